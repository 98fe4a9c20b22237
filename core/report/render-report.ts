/**
 * report.html: one self-contained page an admin attaches to the change ticket. Inline CSS, no script, no external
 * asset. Every piece of text goes through html.ts `t()` (secret redaction, then HTML escaping). The only web.config
 * values it shows come through the one secret rule (util/secrets.ts showSetting: the SDK URL, the SDK account's name);
 * names and paths are never masked.
 */
import { EXIT_CODE_MEANINGS, UNDO_EXIT_CODE_MEANINGS } from '../domain/upgrade-exit-codes';
import type { ServerInventory } from '../domain/inventory-types';
import type { PlanStep } from '../domain/plan-types';
import type { JournalRun, JournalStep, JournalStop } from '../journal/journal-types';
import { STOP_EXPLANATIONS } from '../util/core-stop';
import { REPORT_CSS } from './report-css';
import { badge, basisHtml, formatBytes, formatDuration, formatTime, readinessBadge, statusClass, t, table } from './html';
import { goalOf } from './report-goal';
import { leavingMfaServer } from './leaving-section';
import type { ReportBackup, ReportInput } from './report-input';

export const MFA_SERVER_END_DATE = '2024-09-30';

export function renderReport(input: ReportInput): string {
  const servers = serverNames(input);
  const title = input.rollback
    ? `Rollback of the MFA Server upgrade of ${servers.join(', ') || 'no server'}: ${input.rollback.result.Status}`
    : `MFA Server upgrade of ${servers.join(', ') || 'no server'}: ${input.result.Status}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${t(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(input, servers),
    rollback(input),
    deprecationBanner(),
    summary(input, servers),
    found(input),
    readiness(input),
    planAndOutcome(input),
    webTierAfter(input),
    stops(input),
    backups(input.backups),
    followUps(input),
    leavingMfaServer(input),
    assumptions(input),
    footer(input),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function serverNames(input: ReportInput): string[] {
  const names = new Set<string>();
  for (const s of input.result.Steps) names.add(s.ComputerName);
  for (const i of input.inventories) names.add(i.ComputerName);
  return [...names];
}



function header(input: ReportInput, servers: string[]): string {
  const r = input.rollback?.result ?? input.result;
  const next = r.NextAction
    ? `<div class="next ${r.Status === 'Failed' ? 's-bad' : ''}"><strong>Next action:</strong> ${t(r.NextAction)}</div>`
    : '';
  return [
    '<header>',
    `<p class="eyebrow">MfaServerUpgrade &middot; ${input.rollback ? 'rollback report' : 'upgrade report'}</p>`,
    `<h1>${input.rollback ? 'Rollback of the ' : ''}PhoneFactor to MFA Server ${goalOf(input) === 'Migrate' ? 'upgrade for the migration' : 'upgrade'} ` +
      `of ${t(servers.join(', '))}</h1>`,
    `<p class="headline">${badge(r.Status)} <span>exit code <strong>${t(r.ExitCode)}</strong></span>${r.RebootRequired ? ' <span class="badge ' +
      's-warn">restart required</span>' : ''}</p>`,
    `<p>${t(r.Message)}</p>`,
    next,
    '</header>',
  ].join('\n');
}

/**
 * The Undo (Undo-MfaServerUpgrade): its status and exit code, who ran it, each of its steps, and what an Undo cannot
 * bring back. Shown only in an Undo's report.
 */
function rollback(input: ReportInput): string {
  if (!input.rollback) return '';
  const { result: r, journal: j } = input.rollback;
  const meaning = UNDO_EXIT_CODE_MEANINGS.find((m) => m.code === r.ExitCode)?.meaning ?? '';
  const steps = new Map<string, JournalStep>((j?.Steps ?? []).map((s) => [s.Id, s]));
  const rows = r.Steps.map((s) => [
    `${s.Order}`,
    t(s.ComputerName),
    t(s.Action),
    `${badge(s.Status)}${(steps.get(s.Id)?.Attempts ?? 0) > 1 ? `<br><span class="muted">${steps.get(s.Id)?.Attempts} attempts</span>` : ''}`,
    t(formatDuration(s.DurationMs)),
    t(s.Outcome),
  ]);
  const facts: [string, string][] = [
    ['Status', `${badge(r.Status)} exit code ${t(r.ExitCode)}${meaning ? ` <span class="muted">&mdash; ${t(meaning)}</span>` : ''}`],
    ['Started', t(formatTime(j?.CreatedAt))],
    ['Last change', t(formatTime(j?.UpdatedAt))],
    ['Run by', runsBy(j?.Runs ?? [])],
    ['Journal', `<code>${t(r.JournalPath)}</code>`],
  ];
  const stopped = (j?.Stops ?? []).map((x) => `<li>${t(`${formatTime(x.At)} ${x.Cause} in ${x.Step ?? 'between steps'}: ${x.Detail}`)}</li>`);
  return [
    '<section aria-labelledby="rollback">',
    '<h2 id="rollback">Rollback (Undo-MfaServerUpgrade)</h2>',
    '<p>The upgrade below was undone: what it installed was uninstalled, each PhoneFactor product was reinstalled from the package its backup kept, ' +
      'into its original folder and virtual directory, and the backup\'s data file, web.configs, the files they name, themes and product key were put ' +
      'back; each server was then verified against its backup.</p>',
    '<dl class="facts">',
    ...facts.map(([k, v]) => `<dt>${t(k)}</dt><dd>${v}</dd>`),
    '</dl>',
    table(['#', 'Server', 'Step', 'Status', 'Duration', 'Outcome'], rows, 'steps'),
    stopped.length ? `<p>Stops before the Undo finished:</p><ul class="plain">${stopped.join('')}</ul>` : '',
    '<p><strong>What an Undo cannot bring back:</strong></p>',
    '<ul class="plain">',
    '<li>Changes made in Microsoft Entra ID after a migration (methods users registered or changed in the cloud) never flow back to the server.</li>',
    '<li>Activation: a server activated by MFA Server\'s setup is not deactivated; the PhoneFactor Agent runs on its own restored activation file.</li>',
    '<li>Windows Installer\'s own records of where each product was installed from now name the folder it was reinstalled from.</li>',
    '</ul>',
    '</section>',
  ].join('\n');
}

function deprecationBanner(): string {
  return [
    '<section class="banner" aria-labelledby="deprecation">',
    `<h2 id="deprecation">MFA Server stopped servicing MFA requests on <time datetime="${MFA_SERVER_END_DATE}">30 September 2024</time></h2>`,
    '<p>Since that date MFA Server no longer answers multifactor authentication requests. This upgrade has one purpose: to',
    'bring these servers to the MFA Server build that ships the <strong>Migration Utility</strong>, so that the users\' registered',
    'methods can be moved to cloud <strong>Microsoft Entra MFA</strong>. Plan the migration, not a long life for MFA Server.</p>',
    '<ol>',
    '<li>Run the Migration Utility on the upgraded MFA Server and synchronise the users\' methods to Microsoft Entra ID.</li>',
    '<li>Move users to Microsoft Entra MFA group by group (staged rollout) and test sign-in for each group.</li>',
    '<li>When every user and application authenticates in the cloud, retire the MFA Server, its web components and this backup routine.</li>',
    '</ol>',
    '</section>',
  ].join('\n');
}

function summary(input: ReportInput, servers: string[]): string {
  const r = input.result;
  const j = input.journal;
  const started = j?.CreatedAt ?? null;
  const ended = j?.UpdatedAt ?? null;
  const elapsed = started && ended ? Date.parse(ended) - Date.parse(started) : null;
  const steps = r.Steps;
  const meaning = input.rollback ? '' : EXIT_CODE_MEANINGS.find((m) => m.code === r.ExitCode)?.meaning ?? '';
  const count = (status: string) => steps.filter((s) => s.Status === status).length;
  const facts: [string, string][] = [
    [
      'Status',
      input.rollback
        ? `${badge(r.Status)} <span class="muted">&mdash; where the upgrade stood when it was undone (its journal)</span>`
        : `${badge(r.Status)} exit code ${t(r.ExitCode)}${meaning ? ` <span class="muted">&mdash; ${t(meaning)}</span>` : ''}`,
    ],
    ['Servers', t(servers.join(', '))],
    ['Restart required', r.RebootRequired ? '<strong>Yes</strong> &mdash; restart to finish' : 'No'],
    [
      'Steps',
      `${steps.length} planned: ${count('Completed')} completed, ${count('Skipped')} skipped, ${count('Paused')} paused, ${count('Failed')} ` +
        `failed, ${steps.length - count('Completed') - count('Skipped') - count('Paused') - count('Failed')} not run`,
    ],
    ['Run started', t(formatTime(started))],
    ['Last change', t(formatTime(ended))],
    ['Elapsed', t(formatDuration(elapsed))],
    ['Run id', `<span class="mono">${t(j?.RunId)}</span>`],
    ['Run by', runsBy(j?.Runs ?? [])],
    ['Change', t([...new Set((j?.Runs ?? []).map((x) => x.ChangeId).filter((c): c is string => c !== null))].join(', ') || null)],
    ['Run folder', `<code>${t(input.runFolder)}</code>`],
    ['Journal', `<code>${t(r.JournalPath)}</code>`],
    ['Log', r.LogPath ? `<code>${t(r.LogPath)}</code>` : t(null)],
    ['Installer media', j?.Meta?.InstallerPath ? `<code>${t(j.Meta.InstallerPath)}</code>` : t(null)],
    ['Virtual directory names', t(j?.Meta?.Naming)],
    ['Goal', goalText(input)],
    ...reviewedPlanFact(j?.Meta),
  ];
  return [
    '<section aria-labelledby="summary">',
    '<h2 id="summary">Summary</h2>',
    '<dl class="facts">',
    ...facts.map(([k, v]) => `<dt>${t(k)}</dt><dd>${v}</dd>`),
    '</dl>',
    '</section>',
  ].join('\n');
}

/** A run of a reviewed plan (Invoke-MfaServerUpgrade -PlanPath): which file, and its SHA-256s, for the change ticket. */
function reviewedPlanFact(meta: Record<string, unknown> | undefined): [string, string][] {
  if (typeof meta?.ReviewedPlanPath !== 'string') return [];
  return [[
    'Reviewed plan',
    `<code>${t(meta.ReviewedPlanPath)}</code> <span class="muted">&mdash; run as reviewed; SHA-256 of its content</span> ` +
      `<span class="mono">${t(String(meta.ReviewedPlanSha256))}</span>, <span class="muted">of the file (Get-FileHash)</span> ` +
      `<span class="mono">${t(String(meta.ReviewedPlanFileSha256))}</span>`,
  ]];
}

function goalText(input: ReportInput): string {
  const keep = String((input.journal?.Replans.at(-1) ?? input.journal?.Meta)?.KeepWebComponent ?? '');
  return goalOf(input) === 'Migrate'
    ? `<strong>Migrate</strong> &mdash; web components reinstalled only where still needed${keep ? ` (kept: ${t(keep)})` : ''}; ` +
      'the old portal address redirects'
    : '<strong>Upgrade</strong> &mdash; every web component reinstalled';
}

/** Who ran the upgrade: each run (the first, every -Resume) with its account, machine, change number and start. */
function runsBy(runs: JournalRun[]): string {
  if (runs.length === 0) return t('not recorded (a journal written before runs were recorded)');
  const items = runs.map((r) => `<li>${t(`${r.Account} on ${r.Machine}`)}${r.ChangeId ? `, change <strong>${t(r.ChangeId)}</strong>` : ', no change ' +
    'number given'} <span class="muted">${t(`${r.Resumed ? 'resumed' : 'started'} ${formatTime(r.At)}`)}</span></li>`);
  return `<ul class="plain">${items.join('')}</ul>`;
}

/** A Basis as HTML: its text escaped, each Microsoft Learn address a link a ticket reviewer can open. */
function found(input: ReportInput): string {
  const parts = ['<section aria-labelledby="found">', '<h2 id="found">What was found</h2>'];
  if (input.inventories.length === 0) {
    parts.push('<p class="muted">No inventory was recorded: the run ended before a backup (which holds the inventory) was made.</p>');
  }
  for (const inv of input.inventories) parts.push(serverInventory(inv));
  parts.push('</section>');
  return parts.join('\n');
}

function serverInventory(inv: ServerInventory): string {
  const rows = inv.Components.map((c) => [
    `<strong>${t(c.Component)}</strong>`,
    t(c.DisplayName),
    t(c.Version),
    c.VirtualDirectory ? `<code>/${t(c.VirtualDirectory)}</code>${c.SiteName ? ` <span class="muted">on ${t(c.SiteName)}</span>` : ''}` : t(null),
    `<code>${t(c.InstallPath ?? c.PhysicalPath)}</code>`,
    c.IsLegacy ? 'PhoneFactor (to be replaced)' : 'MFA Server',
  ]);
  return [
    `<h3>${t(inv.ComputerName)}</h3>`,
    `<p class="server-note">${t(inv.DnsName)} &middot; ${inv.Is64Bit ? '64-bit' : '32-bit'} &middot; ${inv.Components.length} ` +
      `component(s) before the upgrade</p>`,
    rows.length > 0 ? table(['Component', 'Product', 'Version', 'Virtual directory', 'Path', 'Era'], rows) : '<p class="muted">No PhoneFactor or MFA Server ' +
      'component was found.</p>',
    inv.Warnings.length > 0 ? `<ul class="plain">${inv.Warnings.map((w) => `<li>${t(w)}</li>`).join('')}</ul>` : '',
  ].join('\n');
}

/** Before the run changed anything: each readiness check, Failed and accepted risks first. */
function readiness(input: ReportInput): string {
  if (input.readiness.length === 0) return '';
  const rank = (r: ReportInput['readiness'][number]) => (r.Result === 'Failed' ? 0 : r.Result === 'Warning' ? 1 : 2);
  const rows = [...input.readiness].sort((a, b) => rank(a) - rank(b)).map((r) => [
    t(r.ComputerName),
    t(r.Check),
    readinessBadge(r),
    // Rows come from the checks with every web.config value already shown through the one secret rule
    // (util/secrets.ts showSetting): names and paths are shown as they are.
    t(r.Detail),
    t(r.Action),
    basisHtml(r.Basis),
  ]);
  return [
    '<section aria-labelledby="readiness">',
    '<h2 id="readiness">Readiness checks before the upgrade</h2>',
    table(['Server', 'Check', 'Result', 'Detail', 'Action', 'Basis'], rows, 'readiness'),
    '</section>',
  ].join('\n');
}

/**
 * Invoke-MfaServerUpgrade -WebTier: every endpoint as it answered when the run completed (the same probe as the
 * readiness rows WebTier before it), failures first.
 */
function webTierAfter(input: ReportInput): string {
  if (input.webTierAfter.length === 0) return '';
  const rank = (r: ReportInput['webTierAfter'][number]) => (r.Result === 'Passed' ? 1 : 0);
  const rows = [...input.webTierAfter].sort((a, b) => rank(a) - rank(b)).map((r) => [
    t(r.ComputerName),
    t(r.Role),
    `<code>${t(r.Url)}</code><br><span class="muted">${t(r.Source)}</span>`,
    `<span class="badge ${statusClass(r.Result === 'Passed' ? 'Completed' : 'Failed')}">${t(r.Result)}</span>`,
    // Probe details pass the redactor and the secret rule where they are made (upgrade/webtier-results.ts).
    t(r.Detail),
  ]);
  return [
    '<section aria-labelledby="webtier-after">',
    '<h2 id="webtier-after">Web tier after the upgrade</h2>',
    table(['Server', 'Role', 'Endpoint', 'Result', 'Detail'], rows, 'webtier'),
    '</section>',
  ].join('\n');
}

function planAndOutcome(input: ReportInput): string {
  const planSteps = new Map<string, PlanStep>((input.plan?.Steps ?? []).map((s) => [s.Id, s]));
  const journalSteps = new Map<string, JournalStep>((input.journal?.Steps ?? []).map((s) => [s.Id, s]));
  const rows = input.result.Steps.map((s) => {
    const p = planSteps.get(s.Id);
    const j = journalSteps.get(s.Id);
    const why = p?.Basis ? `<br><span class="muted">Basis: ${basisHtml(p.Basis)}</span>` : '';
    const what = p ? `${t(p.Description)}${p.Target ? `<br><code>${t(p.Target)}</code>` : ''}${why}` : `${t(s.Action)}`;
    const attempts = j && j.Attempts > 1 ? `<br><span class="muted">${j.Attempts} attempts</span>` : '';
    return [
      `${s.Order}`,
      t(s.ComputerName),
      `${what}${s.Kind === 'Manual' ? ' <span class="badge s-warn">manual</span>' : ''}`,
      `${badge(s.Status)}${attempts}`,
      t(formatDuration(s.DurationMs ?? j?.DurationMs)),
      t(s.Outcome ?? (typeof j?.Data?.Instruction === 'string' ? j.Data.Instruction : null)),
    ];
  });
  return [
    '<section aria-labelledby="plan">',
    '<h2 id="plan">Plan and outcome of each step</h2>',
    '<p class="muted">Steps run in this order; a step is only recorded as completed after it was done and checked. Backups come before anything is ' +
      'uninstalled.</p>',
    table(['#', 'Server', 'Step', 'Status', 'Duration', 'Outcome'], rows, 'steps'),
    '</section>',
  ].join('\n');
}

/** Every stop of the run before it finished (journal Stops): when, why, in which step, and who recorded it. */
function stops(input: ReportInput): string {
  const list = input.journal?.Stops ?? [];
  if (list.length === 0) return '';
  const rows = list.map((s) => [
    t(formatTime(s.At)),
    `<span class="badge s-warn">${t(s.Cause)}</span>`,
    t(s.Step ?? 'between steps'),
    t(`${STOP_EXPLANATIONS[s.Cause]} ${s.Detail}`),
    t(RECORDERS[s.RecordedBy]),
  ]);
  return [
    '<section aria-labelledby="stops">',
    '<h2 id="stops">Stops before the run finished</h2>',
    '<p class="muted">Each time the run stopped early, and why. A step a stop left Running was checked on the server and run again by the next run.</p>',
    table(['When', 'Cause', 'Step', 'What happened', 'Recorded by'], rows, 'stops'),
    '</section>',
  ].join('\n');
}

const RECORDERS: Record<JournalStop['RecordedBy'], string> = {
  Core: 'the run itself',
  Module: 'the PowerShell module (the run could not)',
  NextRun: 'the next run (nobody could at the time)',
};

function backups(list: ReportBackup[]): string {
  const parts = ['<section aria-labelledby="backups">', '<h2 id="backups">Backups</h2>'];
  if (list.length === 0) parts.push('<p class="muted">No backup was made in this run.</p>');
  parts.push('<p>Roll back with <code>Restore-PhoneFactor -Path &lt;backup folder&gt;</code>; check a backup at any time with ' +
    '<code>Test-PhoneFactorBackup</code>. The backups hold the SDK service account\'s password (in the web.configs): keep them readable by Administrators ' +
    'and SYSTEM only.</p>');
  for (const b of list) parts.push(backup(b));
  parts.push('</section>');
  return parts.join('\n');
}

function backup(b: ReportBackup): string {
  if (!b.manifest) return `<h3><code>${t(b.path)}</code></h3><p class="badge s-bad">manifest unreadable</p><p>${t(b.problem)}</p>`;
  const m = b.manifest;
  const total = m.files.reduce((n, f) => n + f.size, 0);
  const verified = m.files.every((f) => f.status === 'Verified');
  const rows = m.files.map((f) => [`<code>${t(f.relativePath)}</code>`, `<span class="num">${t(formatBytes(f.size))}</span>`, `<code>${t(f.sha256)}</code>`]);
  return [
    `<h3>${t(m.source.computerName)}: <code>${t(b.path)}</code></h3>`,
    `<p>${verified ? badge('Verified') : badge('Failed')} ${m.files.length} file(s), ${t(formatBytes(total))}, ` +
      `made ${t(formatTime(m.createdUtc))}${m.skippedItems.length ? `; ${m.skippedItems.length} optional item(s) absent` : ''}.</p>`,
    '<details>',
    `<summary>Files and their SHA-256 (${m.files.length})</summary>`,
    table(['File', 'Size', 'SHA-256'], rows, 'files'),
    m.skippedItems.length ? `<p class="muted">Absent: ${m.skippedItems.map((s) => t(s.originalPath)).join(', ')}</p>` : '',
    '</details>',
  ].join('\n');
}

function followUps(input: ReportInput): string {
  const items =
    input.plan?.FollowUps.map((f) => `<li><strong>${t(f.ComputerName)}: ${t(f.Title)}</strong><br>${t(f.Instruction)}` +
      `${f.Basis ? `<br><span class="muted">Basis: ${basisHtml(f.Basis)}</span>` : ''}</li>`) ??
    input.result.FollowUps.map((f) => `<li>${t(f)}</li>`);
  return [
    '<section aria-labelledby="followups">',
    '<h2 id="followups">Follow-up actions</h2>',
    items.length ? `<ol class="followups">${items.join('\n')}</ol>` : '<p class="muted">None.</p>',
    '</section>',
  ].join('\n');
}

function assumptions(input: ReportInput): string {
  const list = input.plan?.Inferences ?? [];
  if (list.length === 0) return '';
  return [
    '<section aria-labelledby="assumptions">',
    '<h2 id="assumptions">Assumptions to check</h2>',
    '<p class="muted">The plan relied on these points, which no public source states; check each on your servers.</p>',
    `<ul class="plain">${list.map((i) => `<li>${t(i)}</li>`).join('')}</ul>`,
    '</section>',
  ].join('\n');
}

function footer(input: ReportInput): string {
  return [
    '<footer>',
    `<p>Written ${t(formatTime(input.generatedAt.toISOString()))} by MfaServerUpgrade ${t(input.toolVersion)}. ${t(input.result.Notice)}</p>`,
    '<p>This report contains no passwords: secret values are masked as ******** (names and paths are shown as they are).</p>',
    '</footer>',
  ].join('\n');
}
