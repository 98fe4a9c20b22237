/**
 * -Since of the cmdlets that read what happened after a time (Get-MfaServerUsage, Get-MfaMigrationStatus): one parser,
 * so both take the same texts. A [datetime] reaches the core as the text PowerShell makes of it (invariant culture,
 * 03/01/2024 02:00:00, read as this machine's local time); a date alone is UTC midnight (the logs' days are UTC).
 */
import { CoreError } from '../../util/errors';

export function sinceOf(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text.trim());
  if (Number.isNaN(time)) {
    const examples = '2024-05-01, 2024-05-01T08:00:00Z or (Get-Date).AddDays(-30)';
    throw new CoreError('InvalidParameter', `-Since '${text}' is not a date or time: give ${examples}.`, 'Since');
  }
  return new Date(time);
}
