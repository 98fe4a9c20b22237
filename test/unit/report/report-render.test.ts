// report.html from a hand-made input: escaping, redaction, sections, self-containment, narrow and print styles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport, type ReportInput } from '../../../core/report/index';
import { escapeHtml, formatBytes, formatDuration } from '../../../core/report/html';
import { redactor } from '../../../core/util/secrets';

const SHA = 'a'.repeat(64);

function input(over: Partial<ReportInput['result']> = {}): ReportInput {
  return {
    result: {
      Status: 'Failed',
      ExitCode: 69002,
      Message: 'Step MFA01:install:UserPortal failed: <script>alert("x")</script> & more',
      NextAction: "Fix the cause and run again with -Resume, or roll back with Restore-PhoneFactor -Path 'D:\\B\\O'Brien'.",
      Steps: [
        { Order: 1, Id: 'MFA01:backup', Action: 'Backup', ComputerName: 'MFA01', Kind: 'Automatic', Status: 'Completed', DurationMs: 1530, Outcome: 'Backed up 12 file(s)' },
        { Order: 2, Id: 'MFA01:install:UserPortal', Action: 'InstallComponent', ComputerName: 'MFA01', Kind: 'Automatic', Status: 'Failed', DurationMs: null, Outcome: 'msiexec returned 1603' },
        { Order: 3, Id: 'MFA01:verify', Action: 'Verify', ComputerName: 'MFA01', Kind: 'Automatic', Status: 'Pending', DurationMs: null, Outcome: null },
      ],
      BackupPath: ['D:\\B\\PhoneFactorBackup-MFA01-x'],
      JournalPath: 'D:\\B\\MfaServerUpgrade-MFA01\\journal.json',
      LogPath: 'C:\\Windows\\Logs\\Software\\MfaServerUpgrade.log',
      RebootRequired: true,
      FollowUps: [],
      Notice: 'MFA Server no longer services MFA requests.',
      ...over,
    },
    plan: {
      Notice: 'n',
      Steps: [],
      FollowUps: [{ Id: 'f1', ComputerName: 'MFA01', Title: 'Update bookmarks', Instruction: 'Users open /MultiFactorAuth now & not /PhoneFactor.', Basis: 'Said by (Page, https://learn.microsoft.com/x)' }],
      Inferences: ['The setup keeps <InstallPath>.'],
    },
    journal: null,
    readiness: [
      { ComputerName: 'MFA01', Check: 'Elevated', Result: 'Passed', Detail: 'Elevated.', Action: null, Basis: 'facts §1', Accepted: false },
      { ComputerName: 'MFA01', Check: 'PendingRestart', Result: 'Failed', Detail: 'A restart is pending (<CBS>).', Action: 'Restart the server.', Basis: 'Inference: servicing', Accepted: true },
    ],
    webTierAfter: [
      { ComputerName: 'MFA01', Role: 'Portal', Url: 'https://mfa01/MultiFactorAuth/', Source: 'IIS', Result: 'Passed', Problems: [], Detail: 'answers.' },
      {
        ComputerName: 'MFA01', Role: 'Sdk', Url: 'https://mfa01/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx', Source: 'WebConfig <x>', Result: 'AspNetError',
        Problems: ['AspNetError'], Detail: "HTTP 500: Server Error in '/MultiFactorAuthWebServiceSdk' Application.",
      },
    ],
    inventories: [
      {
        ComputerName: 'MFA01', DnsName: 'mfa01.contoso.com', Is64Bit: true, Warnings: [],
        Components: [{ Component: 'UserPortal', DisplayName: 'PhoneFactor User Portal', Version: '5.2.1.0', ProductCode: null, InstallPath: null, DataPath: null, VirtualDirectory: 'PhoneFactor', SiteName: 'Default Web Site', PhysicalPath: 'C:\\inetpub\\wwwroot\\PhoneFactor', WebConfigPath: null, SdkUrl: 'https://sdk.example/PfWsSdk.asmx', ThemePaths: [], ComputerName: 'MFA01', LabPath: null, IsLegacy: true }],
      },
    ],
    backups: [
      {
        path: 'D:\\B\\PhoneFactorBackup-MFA01-x', problem: null,
        manifest: {
          formatVersion: 1, tool: { name: 'MfaServerUpgrade', version: '0.1.0' }, createdUtc: '2025-03-14T10:00:00.000Z', source: { computerName: 'MFA01', hostKind: 'lab' },
          productVersions: {}, purpose: 'Backup', skippedItems: [],
          files: [{ component: 'Agent', kind: 'File' as never, originalPath: 'C:\\x', relativePath: 'Agent\\Data\\Phonefactor.pfdata', size: 2048, sha256: SHA, mtime: '2025-03-14T10:00:00.000Z', status: 'Verified' }],
        },
      },
    ],
    runFolder: 'D:\\B\\MfaServerUpgrade-MFA01',
    toolVersion: '0.1.0',
    generatedAt: new Date('2025-03-14T10:05:00Z'),
  };
}

test('every text is HTML-escaped: no markup from messages, outcomes, paths or follow-ups reaches the page', () => {
  const html = renderReport(input());
  assert.equal(html.includes('<script'), false);
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more'));
  assert.ok(html.includes('O&#39;Brien'));
  assert.ok(html.includes('now &amp; not /PhoneFactor'));
  assert.ok(html.includes('The setup keeps &lt;InstallPath&gt;.'));
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('secret values known to the redactor are masked wherever they appear', () => {
  redactor.register('Hunter2-Secret!');
  const html = renderReport(input({ Message: 'the SDK said Hunter2-Secret! was wrong', Steps: [{ Order: 1, Id: 'a', Action: 'Verify', ComputerName: 'MFA01', Kind: 'Automatic', Status: 'Failed', DurationMs: 5, Outcome: 'login Hunter2-Secret!' }] }));
  assert.equal(html.includes('Hunter2-Secret!'), false);
  assert.ok(html.includes('the SDK said ******** was wrong'));
});

test('the page has every section, the deprecation banner first, and each step with status and duration', () => {
  const html = renderReport(input());
  const order = ['id="deprecation"', 'id="summary"', 'id="found"', 'id="plan"', 'id="backups"', 'id="followups"', 'id="assumptions"'].map((s) => html.indexOf(s));
  assert.ok(order.every((i) => i > 0));
  assert.deepEqual([...order].sort((a, b) => a - b), order, 'sections in reading order');
  assert.match(html, /<time datetime="2024-09-30">/);
  assert.match(html, /Migration Utility/);
  assert.match(html, /badge s-bad">Failed</);
  assert.match(html, /1\.5 s/);
  assert.match(html, /restart required/);
  assert.match(html, /69002/);
  assert.ok(html.includes('Next action:'));
  assert.ok(html.includes('/PhoneFactor</code>'));
});

test('backups list every file with its SHA-256 inside a collapsible <details>', () => {
  const html = renderReport(input());
  const details = html.slice(html.indexOf('<details>'), html.indexOf('</details>'));
  assert.ok(details.includes(SHA));
  assert.ok(details.includes('Agent\\Data\\Phonefactor.pfdata'));
  assert.ok(details.includes('2.0 KiB'));
});

test('self-contained: inline style only, no script, nothing loaded from outside; narrow and print rules present', () => {
  const page = renderReport(input());
  assert.equal(/<script|<link|<img|<iframe|src=|url\(|@import/i.test(page), false);
  // The web tier's endpoints are text (never links): taken out, the only addresses are the Microsoft Learn pages a
  // Basis cites, as links a reader may open (nothing is fetched).
  const webTier = page.slice(page.indexOf('<section aria-labelledby="webtier-after">'), page.indexOf('</section>', page.indexOf('id="webtier-after"')));
  assert.ok(webTier.includes('<code>https://mfa01/MultiFactorAuth/</code>') && !webTier.includes('<a '));
  const html = page.replace(webTier, '');
  const addresses = [...html.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0]);
  assert.ok(addresses.length > 0 && addresses.every((a) => a.startsWith('https://learn.microsoft.com/')), addresses.join(' '));
  assert.equal([...html.matchAll(/https?:\/\//g)].length, 2 * [...html.matchAll(/<a href="https:\/\/learn\.microsoft\.com\//g)].length, 'each in a link');
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(html, /@media \(max-width: 640px\)/);
  assert.match(html, /@media print/);
  assert.match(html, /data-label="SHA-256"/);
});

test('a run without inventory or backups still renders, saying why the sections are empty', () => {
  const html = renderReport({ ...input({ BackupPath: [] }), inventories: [], backups: [], plan: null });
  assert.match(html, /No inventory was recorded/);
  assert.match(html, /No backup was made in this run/);
  assert.equal(html.includes('id="assumptions"'), false);
});

test('durations and sizes read naturally', () => {
  assert.equal(formatDuration(250), '250 ms');
  assert.equal(formatDuration(61_000), '1 min 1 s');
  assert.equal(formatDuration(null), '');
  assert.equal(formatBytes(512), '512 bytes');
  assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MiB');
});

test('the readiness section lists each check, Failed first, with accepted risks marked and text escaped', () => {
  const html = renderReport(input());
  const section = html.slice(html.indexOf('<h2 id="readiness">'), html.indexOf('<h2 id="plan">'));
  assert.ok(section.indexOf('PendingRestart') < section.indexOf('Elevated'), 'Failed rows come first');
  assert.match(section, /risk accepted with -SkipReadiness/);
  assert.match(section, /A restart is pending \(&lt;CBS&gt;\)/);
  assert.ok(!renderReport({ ...input(), readiness: [] }).includes('id="readiness"'), 'no section without checks');
});

test('the web tier after the upgrade: each endpoint, failures first, escaped; no section without probes', () => {
  const html = renderReport(input());
  const section = html.slice(html.indexOf('<h2 id="webtier-after">'));
  assert.ok(section.indexOf('AspNetError') < section.indexOf('>Passed<'), 'failures come first');
  assert.match(section, /WebConfig &lt;x&gt;/);
  assert.match(section, /Server Error in &#39;\/MultiFactorAuthWebServiceSdk&#39; Application\.|Server Error in '\/MultiFactorAuthWebServiceSdk' Application\./);
  assert.ok(!renderReport({ ...input(), webTierAfter: [] }).includes('id="webtier-after"'));
});

test('the stops of a run before it finished are listed with their cause, step, explanation and recorder, escaped', () => {
  const journal = {
    FormatVersion: 2 as const, RunId: 'r', CreatedAt: '2025-03-14T10:00:00.000Z', UpdatedAt: '2025-03-14T10:04:00.000Z', Status: 'Running' as const,
    Meta: {}, PlanSha256: SHA, Servers: [], Replans: [], Steps: [],
    Stops: [
      { At: '2025-03-14T10:02:00.000Z', Cause: 'Cancelled' as const, Detail: 'Ctrl+C <pressed>', Step: 'MFA01:uninstall:UserPortal', RecordedBy: 'Core' as const, ProcessId: 4242 },
      { At: '2025-03-14T10:04:00.000Z', Cause: 'NotRecorded' as const, Detail: 'found later', Step: null, RecordedBy: 'NextRun' as const, ProcessId: null },
    ],
    Runs: [],
  };
  const html = renderReport({ ...input(), journal });
  const section = html.slice(html.indexOf('<h2 id="stops">'), html.indexOf('</section>', html.indexOf('<h2 id="stops">')));
  assert.match(section, /Cancelled/);
  assert.match(section, /MFA01:uninstall:UserPortal/);
  assert.match(section, /Ctrl\+C &lt;pressed&gt;/);
  assert.match(section, /between steps/);
  assert.match(section, /the next run \(nobody could at the time\)/);
  assert.doesNotMatch(renderReport(input()), /id="stops"/, 'no section when the run never stopped early');
});

test('"Leaving MFA Server": usage, the migration checks, users whose methods do not migrate, steps left; before completion it says when', () => {
  const before = renderReport(input());
  assert.match(before, /<h2 id="leaving">Leaving MFA Server<\/h2>\s*<p class="muted">Looked at when the upgrade has completed/);
  const html = renderReport({
    ...input(),
    leaving: [{
      computerName: 'MFA01',
      rows: [{ ComputerName: 'MFA01', Check: 'DotNetTls12', Result: 'Failed', Detail: 'SchUseStrongCrypto absent (64-bit).', Action: 'Set it.',
        Basis: 'x (T, https://learn.microsoft.com/troubleshoot/x)', Accepted: false }],
      usage: { Users: 7, Authentications: 42, LastSeen: '2025-05-02T08:00:00Z', Files: 2, UnparsedLines: 3 },
      usersNotMigrating: [{ User: 'alice<script>@contoso.com', Methods: ['PIN mode (SUCCESS_WITH_PIN)'], LastSeen: null }],
    }],
  });
  const section = html.slice(html.indexOf('<h2 id="leaving">'), html.indexOf('</section>', html.indexOf('<h2 id="leaving">')));
  assert.match(section, /<h3>MFA01<\/h3>/);
  assert.match(section, /<strong>7<\/strong> user\(s\), <strong>42<\/strong> second-factor result\(s\).*3 line\(s\) not understood/);
  assert.match(section, /DotNetTls12/);
  assert.match(section, /<a href="https:\/\/learn\.microsoft\.com\/troubleshoot\/x">/);
  assert.match(section, /alice&lt;script&gt;@contoso\.com/);
  assert.match(section, /Get-MfaUpgradePlan -Goal Migrate lists the migration's steps/, 'an Upgrade run points at the Migrate plan');
});
