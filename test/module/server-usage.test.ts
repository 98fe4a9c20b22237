// Get-MfaServerUsage through the generated cmdlet in real pwsh: a lab's own logs (found from its install path), copies
// given with -Path (relative too), -Since / -User, -Summary, the default view within 120 columns, bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_USERS } from '../../core/host/lab/legacy-products';
import { serviceLogHistory } from '../../core/host/lab/service-log-history';
import { expectedUsage } from '../unit/usage/helpers';

let ps: PowerShellSession;
let dir: string;
let lab: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-usage-module-'));
  ps = await openModuleSession(dir);
  lab = path.join(dir, 'lab');
  const r = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab });
  assert.ok(r.ok, JSON.stringify(r));
});
after(async () => {
  await ps.close();
});

interface Row {
  Kind: string;
  Name: string;
  Count: number;
  Failed: number;
  PrimaryAuthCount: number;
  LastSeen: string | null;
  Samples: Array<{ File: string; Line: number; Reason: string; Text: string }>;
  ComputerName: string;
  LabPath: string | null;
  TypeName: string;
}

async function usage(args: string, values: Record<string, unknown> = {}): Promise<{ rows: Row[]; warnings: string[] }> {
  const r = await ps.run(
    `Get-MfaServerUsage ${args} | ForEach-Object { $_ | Add-Member -NotePropertyName TypeName -NotePropertyValue $_.PSObject.TypeNames[0] -PassThru } | ` +
      `ForEach-Object { $_ | Select-Object *, @{ n = 'LastSeenText'; e = { if ($null -eq $_.LastSeen) { $null } elseif ($_.LastSeen -is [datetime]) { ` +
      `$_.LastSeen.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ') } else { [string]$_.LastSeen } } } }`,
    values,
  );
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  return { rows: (r.output as Array<Row & { LastSeenText: string | null }>).map((o) => ({ ...o, LastSeen: o.LastSeenText })), warnings: r.warnings };
}

test('-LabPath: one object per user of the lab\'s own logs, typed, naming the server; -Summary: days, callers, files, unparsed lines', async () => {
  const { rows, warnings } = await usage('-LabPath $V.lab', { lab });
  const known = new Set([...LAB_USERS.map((u) => u.login), 'CONTOSO\\svc-vpn']);
  assert.ok(rows.length >= 4, JSON.stringify(rows));
  for (const row of rows) {
    assert.equal(row.TypeName, 'MfaServerUpgrade.ServerUsage');
    assert.equal(row.Kind, 'User');
    assert.ok(known.has(row.Name), row.Name);
    assert.equal(row.ComputerName, 'MFA01');
    assert.equal(row.LabPath, lab);
  }
  assert.ok(warnings.some((w) => /log lines? (was|were) not understood; -Summary lists a sample/.test(w)), JSON.stringify(warnings));

  const summary = (await usage('-LabPath $V.lab -Summary', { lab })).rows;
  const kinds = new Set(summary.map((r) => r.Kind));
  assert.deepEqual([...kinds].sort(), ['Caller', 'Day', 'File', 'Unparsed']);
  assert.deepEqual(summary.filter((r) => r.Kind === 'File').map((r) => r.Name.replace(/^.*\\/, '')), ['MultiFactorAuthSvc.log.1', 'MultiFactorAuthSvc.log']);
  const unparsed = summary.find((r) => r.Kind === 'Unparsed')!;
  assert.ok(unparsed.Count > 0 && unparsed.Samples.length === unparsed.Count, JSON.stringify(unparsed));
  assert.match(unparsed.Samples[0].File, /^C:\\Program Files\\PhoneFactor\\Logs\\MultiFactorAuthSvc\.log(\.1)?$/);
  const days = summary.filter((r) => r.Kind === 'Day');
  assert.equal(days.reduce((n, d) => n + d.Count, 0), rows.reduce((n, u) => n + u.Count, 0), 'the days add up to the users');
});

test('-Path with copies on this machine (a relative folder), -Since and -User: the aggregates the generator wrote', async () => {
  const users = ['CONTOSO\\alice', 'CONTOSO\\bob', 'carol@contoso.com'];
  const lines = [...serviceLogHistory({ seed: 11, start: new Date('2024-04-01T00:00:00Z'), lines: 1500, stepMs: 600_000, users, garbage: 0.02, other: 0.1 })];
  const copies = path.join(dir, 'copies');
  mkdirSync(copies);
  const text = (ls: typeof lines) => ls.map((l) => `${l.text}\r\n`).join('');
  writeFileSync(path.join(copies, 'MultiFactorAuthSvc.log.1'), text(lines.slice(0, 700)));
  writeFileSync(path.join(copies, 'MultiFactorAuthSvc.log'), text(lines.slice(700)));
  const since = new Date('2024-04-04T00:00:00Z');
  const { rows } = await usage("-Path copies -Since '2024-04-04' -User 'contoso\\*'");
  const expected = expectedUsage(lines, (a) => a.time >= since && a.user.startsWith('CONTOSO\\'));
  assert.deepEqual(new Map(rows.map((r) => [r.Name.toLowerCase(), [r.Count, r.Failed, r.PrimaryAuthCount, r.LastSeen]])),
    new Map([...expected.users].map(([k, e]) => [k, [e.count, e.failed, e.primary, e.last]])));
  assert.deepEqual(rows.map((r) => r.ComputerName), ['localhost', 'localhost']);

  const dated = await usage('-Path $V.copies -Since (Get-Date 2024-04-04 -AsUTC) -User CONTOSO\\bob', { copies });
  assert.deepEqual(dated.rows.map((r) => [r.Name, r.Count]), [['CONTOSO\\bob', expected.users.get('contoso\\bob')!.count]], 'a [datetime] -Since');
});

test('the default table fits 120 columns with every column shown, grouped by kind', async () => {
  for (const args of ['-LabPath $V.lab', '-LabPath $V.lab -Summary']) {
    const r = await ps.run(`Get-MfaServerUsage ${args} 3>$null | Format-Table | Out-String -Width 120 -Stream`, { lab });
    const lines = (r.output as string[]).filter((l) => l.trim());
    assert.ok(lines.length > 2, JSON.stringify(r));
    // A heading per kind (issue 28 item 2), then the columns.
    assert.match(lines[0], args.includes("Summary") ? /^ +Kind: Day$/ : /^ +Kind: User$/, `group heading: ${lines[0]}`);
    assert.match(lines[1], /^Name\s+Count\s+Failed\s+LastSeen\s+Detail\s*$/, `header: ${lines[1]}`);
    assert.ok(!lines.some((l) => /do not fit/.test(l)), lines.join('\n'));
  }
});

test('bad input names what is wrong: -Since that is no time, a -Path that does not exist', async () => {
  let r = await ps.run("Get-MfaServerUsage -LabPath $V.lab -Since 'last tuesday'", { lab });
  let err = r.terminatingError ?? r.errors[0];
  assert.match(err?.fullyQualifiedErrorId ?? '', /^InvalidParameter,Get-MfaServerUsage$/, JSON.stringify(r));
  assert.match(err.message, /-Since 'last tuesday'/);
  r = await ps.run("Get-MfaServerUsage -LabPath $V.lab -Path 'C:\\NoSuchFolder'", { lab });
  err = r.terminatingError ?? r.errors[0];
  assert.match(err?.fullyQualifiedErrorId ?? '', /^FileNotFound,Get-MfaServerUsage$/, JSON.stringify(r));
  assert.match(err.message, /C:\\NoSuchFolder/);
});
