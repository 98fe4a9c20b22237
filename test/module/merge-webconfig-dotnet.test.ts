// .NET is the judge: every runtime structure of test/fixtures/webconfig/runtime, in UTF-8, UTF-8+BOM+CRLF and UTF-16,
// is merged by Merge-MfaWebConfig in real pwsh, then loaded by .NET's own configuration system
// (test/dotnet-config-judge). A merged file .NET refuses, or a row that claims a value .NET does not read, fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession, repoRoot } from '../helpers/pwsh';
import { judge, judgeDll, valueOf, type JudgeVerdict } from '../helpers/config-judge';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'webconfig', 'runtime');
const CASES = readdirSync(FIXTURES).sort();
const VARIANTS: Record<string, (text: string) => Buffer> = {
  'utf-8': (t) => Buffer.from(t, 'utf8'),
  'crlf+bom': (t) => Buffer.from('\uFEFF' + t.replace(/\n/g, '\r\n'), 'utf8'),
  'utf-16': (t) => Buffer.from('\uFEFF' + t.replace(/\n/g, '\r\n').replace('encoding="utf-8"', 'encoding="utf-16"'), 'utf16le'),
};
const GROUP = 'pfup.Properties.Settings';

interface Row { Path: string; Section: string; Name: string; Action: string; Detail: string | null }
interface Pair { name: string; variant: string; Path: string; ReferencePath: string }

let ps: PowerShellSession;
let dir: string;
const pairs: Pair[] = [];
let rows: Row[] = [];
let refusals: string[] = [];
const verdict = new Map<string, JudgeVerdict>();

function copyCase(name: string, variant: string): Pair {
  const dest = path.join(dir, variant, name);
  for (const side of ['old', 'new']) {
    mkdirSync(path.join(dest, side), { recursive: true });
    for (const f of readdirSync(path.join(FIXTURES, name, side))) {
      writeFileSync(path.join(dest, side, f), VARIANTS[variant](readFileSync(path.join(FIXTURES, name, side, f), 'utf8')));
    }
  }
  return { name, variant, Path: path.join(dest, 'new', 'web.config'), ReferencePath: path.join(dest, 'old', 'web.config') };
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-dotnet-judge-'));
  let t = Date.now();
  judgeDll();
  console.log(`# judge ready in ${Date.now() - t} ms (build output cached under the temp folder)`);
  for (const variant of Object.keys(VARIANTS)) for (const name of CASES) pairs.push(copyCase(name, variant));
  t = Date.now();
  for (const v of judge(pairs.flatMap((p) => [p.Path, p.ReferencePath]))) verdict.set(`before:${v.path}`, v);
  console.log(`# judge read ${pairs.length * 2} inputs in ${Date.now() - t} ms`);
  ps = await openModuleSession(dir);
  const r = await ps.run('$V.pairs | ForEach-Object { [pscustomobject]@{ Path = $_.Path; ReferencePath = $_.ReferencePath } } | Merge-MfaWebConfig -Confirm:$false | Select-Object Path, Section, Name, Action, Detail', { pairs });
  // Checked per structure below, so one refused pair does not hide the verdicts on the others.
  refusals = r.errors.map((e) => e.message).concat(r.terminatingError ? [r.terminatingError.message] : []);
  rows = r.output as Row[];
  t = Date.now();
  for (const v of judge(pairs.map((p) => p.Path))) verdict.set(`after:${v.path}`, v);
  console.log(`# judge read ${pairs.length} merged files in ${Date.now() - t} ms`);
});
after(async () => {
  await ps?.close();
});

const rowsOf = (p: Pair) => rows.filter((r) => r.Path === p.Path);
const claims = (r: Row) => r.Action === 'Updated' || r.Action === 'Added' || r.Action === 'Unchanged';

test('.NET reads every fixture as written (the inputs are valid)', () => {
  const refused = pairs.flatMap((p) => [p.Path, p.ReferencePath]).map((f) => verdict.get(`before:${f}`)!).filter((v) => !v.ok);
  assert.deepEqual(refused.map((v) => `${v.path}: ${v.error}`), []);
});

for (const name of CASES) {
  test(`${name}: .NET accepts the merged file and reads every value the merge claims, in every encoding`, () => {
    for (const p of pairs.filter((x) => x.name === name)) {
      const old = verdict.get(`before:${p.ReferencePath}`)!;
      const merged = verdict.get(`after:${p.Path}`)!;
      const where = `${name} (${p.variant})`;
      assert.deepEqual(refusals.filter((m) => m.includes(path.dirname(path.dirname(p.Path)))), [], `${where}: the merge refused the pair`);
      assert.equal(merged.ok, true, `${where}: .NET refuses the merged file: ${merged.error}`);
      const mine = rowsOf(p);
      for (const r of mine.filter(claims)) {
        if (r.Section === 'appSettings') {
          assert.equal(valueOf(merged.appSettings, r.Name), valueOf(old.appSettings, r.Name), `${where}: ${r.Action} ${r.Name} is not what .NET reads`);
        } else if (r.Section === `applicationSettings/${GROUP}`) {
          assert.equal(merged.settings?.[`${GROUP}/${r.Name}`], old.settings?.[`${GROUP}/${r.Name}`], `${where}: ${r.Action} ${r.Name} is not what .NET reads`);
        }
      }
      // Nothing the old application read is lost silently: it takes effect, or a Review row names it.
      const reviewed = new Set(mine.filter((r) => r.Action === 'Review').map((r) => r.Name.toLowerCase()));
      for (const [key, value] of Object.entries(old.appSettings ?? {})) {
        assert.ok(valueOf(merged.appSettings, key) === value || reviewed.has(key.toLowerCase()), `${where}: old appSettings ${key} neither carried nor reviewed`);
      }
      for (const [key, value] of Object.entries(old.settings ?? {})) {
        const setting = key.slice(GROUP.length + 1);
        assert.ok(merged.settings?.[key] === value || reviewed.has(setting.toLowerCase()), `${where}: old setting ${key} neither carried nor reviewed`);
      }
      // A Review about an external file names a file that is there to be edited.
      for (const r of mine.filter((x) => x.Action === 'Review' && x.Detail?.includes('nothing was written'))) {
        const file = /(?:from|in) (\S+) \((?:configSource|file)=/.exec(r.Detail!)?.[1] ?? /^(\S+) \(file=/.exec(r.Detail!)?.[1];
        assert.ok(file && existsSync(file), `${where}: ${r.Detail}`);
      }
    }
  });
}

/** What each structure must produce (the same in every encoding). */
const EXPECTED: Record<string, string[]> = {
  'appsettings-configsource-new': ['Review appSettings SSL_REQUIRED', 'Unchanged appSettings LOG_LEVEL', 'Review appSettings OLD_ONLY'],
  'appsettings-file-new': ['Updated appSettings A', 'Review appSettings B', 'Added appSettings C'],
  'location-new': ['Updated appSettings A', 'Added appSettings B', `Updated applicationSettings/${GROUP} pfup_pfwssdk_PfWsSdk`, `Added applicationSettings/${GROUP} OldSetting`],
  'location-old': ['Updated appSettings A', 'Added appSettings B'],
  'remove-clear-new': ['Added appSettings K', 'Added appSettings X', 'Updated appSettings Y'],
  duplicates: ['Updated appSettings D', 'OnlyInNew appSettings E'],
  'external-old': ['Updated appSettings A', 'Added appSettings B', 'Added appSettings F', `Updated applicationSettings/${GROUP} pfup_pfwssdk_PfWsSdk`],
  'settings-configsource-new': ['Review appSettings (file=gone.config)', 'Added appSettings A', `Review applicationSettings/${GROUP} pfup_pfwssdk_PfWsSdk`],
  'appsettings-configsource-old': ['Added appSettings FROM_SOURCE'],
};

test('each structure gives the expected actions, and values from old external files say where they came from', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), CASES, 'every fixture has its expectation');
  for (const p of pairs) {
    const mine = rowsOf(p).filter((r) => !r.Section.startsWith('location') && !r.Section.startsWith('system.'));
    assert.deepEqual(mine.map((r) => `${r.Action} ${r.Section} ${r.Name}`).sort(), [...EXPECTED[p.name]].sort(), `${p.name} (${p.variant})`);
  }
  const fromFile = rows.filter((r) => r.Path.includes(`${path.sep}external-old${path.sep}`) && r.Name === 'F');
  assert.ok(fromFile.length > 0 && fromFile.every((r) => /old value read from .*extra\.config \(file=\)/.test(r.Detail ?? '')));
  const adminOnly = rows.filter((r) => r.Path.includes(`${path.sep}location-old${path.sep}`) && r.Section.startsWith('location'));
  assert.ok(adminOnly.length > 0 && adminOnly.every((r) => r.Action === 'Review'), 'a <location path="admin"> block is reported, not carried');
});

test('merging every structure a second time changes no file', async () => {
  const before = new Map(pairs.map((p) => [p.Path, readFileSync(p.Path)]));
  const r = await ps.run('$V.pairs | ForEach-Object { [pscustomobject]@{ Path = $_.Path; ReferencePath = $_.ReferencePath } } | Merge-MfaWebConfig -Confirm:$false | Where-Object { $_.Action -eq "Updated" -or $_.Action -eq "Added" } | Select-Object Path, Name', { pairs });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output, []);
  for (const p of pairs) assert.deepEqual(readFileSync(p.Path), before.get(p.Path), `${p.name} (${p.variant})`);
});
