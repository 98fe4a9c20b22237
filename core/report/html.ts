/**
 * The report's only way to put text into HTML: secrets are redacted first (the process redactor knows every secret
 * value read so far), then the five HTML-significant characters are escaped. Markup is built from these pieces only.
 */
import { redactor } from '../util/secrets';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Any value as safe HTML text: null and undefined become an em dash. */
export function t(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '&mdash;';
  return escapeHtml(redactor.redact(String(value)));
}

/** A table every cell of which carries its column name, so narrow screens can stack rows into labelled cards. */
export function table(columns: string[], rows: string[][], className = ''): string {
  const head = columns.map((c) => `<th scope="col">${t(c)}</th>`).join('');
  // One wrapper per cell: stacked, a cell is a two-column grid (label, content) whatever the content holds.
  const body = rows.map((cells) => `<tr>${cells.map((cell, i) => `<td data-label="${t(columns[i])}"><div>${cell}</div></td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table class="stack ${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}

/** ISO time as `2025-03-01 14:05:09 UTC`: one unambiguous form for a change ticket read in any time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  return new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A status as a colour class of the page's badges. */
export function statusClass(status: string): string {
  if (/^(Completed|Verified)$/i.test(status)) return 's-ok';
  if (/^(Paused|Running|Skipped)$/i.test(status)) return 's-warn';
  if (/^Failed$/i.test(status)) return 's-bad';
  return 's-none';
}

export const badge = (status: string) => `<span class="badge ${statusClass(status)}">${t(status)}</span>`;

/** A Basis with its Microsoft Learn addresses as links. */
export function basisHtml(text: string | null | undefined): string {
  if (!text) return t(null);
  return text
    .split(/(https:\/\/learn\.microsoft\.com\/[^\s;)]+)/)
    .map((part, i) => (i % 2 === 1 ? `<a href="${t(part)}">${t(part)}</a>` : part === '' ? '' : t(part)))
    .join('');
}

/** A readiness result as a coloured badge; a Failed check the admin accepted says so. */
export function readinessBadge(r: { Result: string; Accepted: boolean }): string {
  const status = r.Result === 'Passed' ? 'Completed' : r.Result === 'Warning' ? 'Paused' : 'Failed';
  const accepted = r.Accepted ? ` ${t('(risk accepted with -SkipReadiness)')}` : '';
  return `<span class="badge ${statusClass(status)}">${t(r.Result)}</span>${accepted}`;
}
