// The web.config merge on one long value: a 200,000-character value against a 2,000-character one, both merged in this
// same process, interleaved. The work is linear when the ratio stays near the size ratio (100x); a quadratic step shows
// as a ratio in the thousands (issue 23: 64,000 characters once took 25 s against 0.1 s for 2,000, because the secret
// rule's content expressions re-scanned the value from every position).
// Run:  node --import tsx bench/webconfig-long-value.bench.mjs
// Prints, for each shape of value, the medians of 7 interleaved runs and their ratio.
import { mergeWebConfig } from '../core/webconfig/index.ts';

const SMALL = 2_000;
const LARGE = 200_000;
const RUNS = 7;
const BAR = 200;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Old and new web.config with the value in an appSettings entry, a setting and another section's attribute. */
function pair(value) {
  const file = (v) =>
    Buffer.from(
      '<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n' +
        `  <appSettings>\r\n    <add key="LONG" value="${v}" />\r\n  </appSettings>\r\n` +
        `  <applicationSettings>\r\n    <g>\r\n      <setting name="S"><value>${v}</value></setting>\r\n    </g>\r\n  </applicationSettings>\r\n` +
        `  <system.web>\r\n    <pages theme="${v}" />\r\n  </system.web>\r\n</configuration>\r\n`,
      'utf8',
    );
  return { target: { path: 'new\\web.config', bytes: file('') }, reference: { path: 'old\\web.config', bytes: file(value) } };
}

// Shapes that once hit a backtracking expression: one long word, a long run of blanks, a URL without '@', a list.
const SHAPES = {
  word: (n) => 'x'.repeat(n),
  blanks: (n) => `a${' '.repeat(n - 2)}b`,
  url: (n) => `https://svc:${'p'.repeat(n - 12)}`,
  list: (n) => 'abc def;'.repeat(n / 8),
  entities: (n) => 'a&amp;'.repeat(n / 6),
};

function timeMerge(input) {
  const started = process.hrtime.bigint();
  mergeWebConfig(input.target, input.reference);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

let worst = 0;
for (const [shape, make] of Object.entries(SHAPES)) {
  const small = pair(make(SMALL));
  const large = pair(make(LARGE));
  timeMerge(small); // warm-up: compile the merge's functions once
  const smallMs = [];
  const largeMs = [];
  for (let i = 0; i < RUNS; i++) {
    smallMs.push(timeMerge(small));
    largeMs.push(timeMerge(large));
  }
  const ratio = median(largeMs) / median(smallMs);
  worst = Math.max(worst, ratio);
  console.log(
    `web.config merge, ${shape}: ${LARGE} chars median ${median(largeMs).toFixed(1)} ms ` +
      `vs ${SMALL} chars ${median(smallMs).toFixed(2)} ms -> ratio ${ratio.toFixed(0)}x`,
  );
}
console.log(
  `web.config merge, worst ratio ${worst.toFixed(0)}x for a ${LARGE / SMALL}x longer value (bar <= ${BAR}x: linear) ${worst <= BAR ? 'OK' : 'ABOVE BAR'}`,
);
