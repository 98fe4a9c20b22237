/**
 * The report's "Leaving MFA Server" section: what the server still does (its service logs, Get-MfaServerUsage's
 * reader), whether it is ready for the Migration Utility (Test-MfaMigrationReadiness's rows, without the endpoint
 * probes: a report does not wait on the network), who must register another method, and the steps left.
 */
import { basisHtml, readinessBadge, t, table } from './html';
import type { ReportInput } from './report-input';
import { goalOf } from './report-goal';

const USERS_SHOWN = 20;

export function leavingMfaServer(input: ReportInput): string {
  const parts = ['<section aria-labelledby="leaving">', '<h2 id="leaving">Leaving MFA Server</h2>'];
  const leaving = input.leaving ?? null;
  if (leaving === null) {
    parts.push('<p class="muted">Looked at when the upgrade has completed: run Get-MfaServerUsage and Test-MfaMigrationReadiness on the MFA server.</p>');
  } else if (leaving.length === 0) {
    parts.push('<p class="muted">No server of this run runs MFA Server now.</p>');
  }
  for (const server of leaving ?? []) {
    const u = server.usage;
    parts.push(`<h3>${t(server.computerName)}</h3>`);
    parts.push(u
      ? `<p>Service logs: <strong>${t(u.Users)}</strong> user(s), <strong>${t(u.Authentications)}</strong> second-factor result(s), last seen ` +
        `${t(u.LastSeen)}, from ${t(u.Files)} log file(s)${u.UnparsedLines ? `; ${t(u.UnparsedLines)} line(s) not understood` : ''}. ` +
        'Get-MfaServerUsage shows each user and caller.</p>'
      : '<p class="muted">The service logs could not be read (see the MethodsThatDoNotMigrate row).</p>');
    const rows = server.rows.map((r) => [t(r.Check), readinessBadge(r), t(r.Detail), t(r.Action), basisHtml(r.Basis)]);
    parts.push(table(['Check', 'Result', 'Detail', 'Action', 'Basis'], rows, 'readiness'));
    parts.push('<p class="muted">Not checked here: SignInEndpoint and GraphEndpoint (DNS, TCP 443, TLS 1.2 to the cloud). Run Test-MfaMigrationReadiness ' +
      'on the server for them.</p>');
    if (server.usersNotMigrating.length > 0) {
      const shown = server.usersNotMigrating.slice(0, USERS_SHOWN).map((x) => [t(x.User), t(x.Methods.join(', ')), t(x.LastSeen)]);
      parts.push(`<p>${t(server.usersNotMigrating.length)} user(s) use what the Migration Utility cannot move` +
        `${server.usersNotMigrating.length > USERS_SHOWN ? ` (the first ${USERS_SHOWN})` : ''}:</p>`);
      parts.push(table(['User', 'Does not migrate', 'Last seen'], shown));
    }
  }
  const steps = (input.plan?.FollowUps ?? []).filter((f) => f.Id.includes(':migration:') || f.Id.endsWith(':followup:migrate-to-cloud-mfa'));
  parts.push('<h3>Steps left</h3>');
  if (steps.length > 0) {
    parts.push(`<ol class="followups">${steps.map((f) => `<li><strong>${t(f.Title)}</strong><br>${t(f.Instruction)}` +
      `${f.Basis ? `<br><span class="muted">Basis: ${basisHtml(f.Basis)}</span>` : ''}</li>`).join('\n')}</ol>`);
  }
  if (goalOf(input) === 'Upgrade') {
    parts.push('<p class="muted">This run\'s goal was Upgrade: Get-MfaUpgradePlan -Goal Migrate lists the migration\'s steps one by one.</p>');
  }
  parts.push('</section>');
  return parts.join('\n');
}
