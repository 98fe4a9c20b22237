// One Get-MfaServerUsage read of the files in a folder, through the feature's front door (core/usage), in a process of
// its own so that its peak RSS is its own. Prints one JSON line: time, lines, users, the reader's bound, peak RSS.
import { readServerUsage } from '../core/usage/index.ts';

const folder = process.argv[2];
const rssBeforeKiB = process.resourceUsage().maxRSS;
const started = process.hrtime.bigint();
const report = await readServerUsage(null, { paths: [folder] });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const lines = report.Files.reduce((n, f) => n + f.Lines, 0);
const authentications = report.Users.reduce((n, u) => n + u.Count + u.PrimaryAuthCount, 0);
console.log(JSON.stringify({ ms, lines, authentications, users: report.Users.length, unparsed: report.UnparsedLines, maxBufferedBytes: report.MaxBufferedBytes,
  maxRssKiB: process.resourceUsage().maxRSS, rssBeforeKiB }));
