/**
 * The report's whole style sheet, inlined: the file must work as an e-mail or ticket attachment with no other asset.
 * System fonts; tables turn into labelled cards below 640 px; print drops colours that waste toner but keeps status
 * colours readable, opens the file lists and never splits a row across pages.
 */
export const REPORT_CSS = `
:root { --ink: #1b1f24; --muted: #59636e; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa;
  --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5; --bad: #cf222e; --bad-bg: #ffebe9; --info-bg: #ddf4ff; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 4px 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 20px 0 8px; overflow-wrap: anywhere; }
p { margin: 6px 0; }
code, .mono { font-family: ui-monospace, "Cascadia Mono", Consolas, "DejaVu Sans Mono", monospace; font-size: 0.86em; overflow-wrap: anywhere; word-break: ` +
  `break-all; }
.eyebrow { margin: 0; color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.06em; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.82rem; font-weight: 600; white-space: nowrap; border: 1px solid ` +
  `transparent; }
.s-ok { color: var(--ok); background: var(--ok-bg); border-color: #aceebb; }
.s-warn { color: var(--warn); background: var(--warn-bg); border-color: #eed888; }
.s-bad { color: var(--bad); background: var(--bad-bg); border-color: #ffcecb; }
.s-none { color: var(--muted); background: var(--soft); border-color: var(--line); }
.headline { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; font-size: 1rem; }
.headline .badge { font-size: 1rem; padding: 2px 12px; }
.banner { margin: 20px 0; padding: 16px 18px; border: 1px solid #f0b72f; border-left: 6px solid #bf8700; border-radius: 6px; background: var(--warn-bg); }
.banner h2 { margin: 0 0 6px; border: 0; padding: 0; font-size: 1.1rem; }
.banner ol { margin: 8px 0 0; padding-left: 1.3em; }
.next { margin: 16px 0; padding: 12px 16px; border-radius: 6px; background: var(--info-bg); border: 1px solid #b6e3ff; }
.next.s-bad { background: var(--bad-bg); border-color: #ffcecb; color: var(--ink); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 8px 0; border: 1px solid var(--line); border-radius: 6px; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
td { overflow-wrap: anywhere; }
table.steps td:nth-child(1), table.steps td:nth-child(2) { white-space: nowrap; }
td strong { overflow-wrap: normal; }
table.steps td:nth-child(3) { width: 44%; }
table.steps td:nth-child(5) { white-space: nowrap; }
table.files td:nth-child(3) { width: 50%; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
tbody tr:last-child td { border-bottom: 0; }
td.num { text-align: right; white-space: nowrap; }
details { margin: 8px 0 16px; }
summary { cursor: pointer; color: #0969da; }
ul.plain { margin: 6px 0; padding-left: 1.2em; }
ol.followups li { margin: 0 0 10px; }
.server-note { margin: 4px 0 8px; color: var(--muted); }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }

@media (max-width: 640px) {
  body { font-size: 14px; }
  main { padding: 16px 12px 32px; }
  h1 { font-size: 1.3rem; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: 8px; }
  .table-wrap { border: 0; overflow: visible; }
  table.stack thead { display: none; }
  table.stack, table.stack tbody, table.stack tr { display: block; width: 100%; }
  table.stack tr { margin: 0 0 10px; border: 1px solid var(--line); border-radius: 6px; padding: 4px 0; }
  table.stack td { display: grid; grid-template-columns: 7.5em minmax(0, 1fr); gap: 8px; border: 0; padding: 3px 10px; }
  table.stack td::before { content: attr(data-label); color: var(--muted); font-weight: 600; }
  td.num { text-align: left; }
  table.stack td:nth-child(n) { width: auto; white-space: normal; }
}

@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, .banner, .next, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; border: 0; }
  th, td { padding: 3px 6px; }
  summary { color: var(--ink); }
  details::details-content { content-visibility: visible; display: contents; }
  details:not([open]) > :not(summary) { display: block; }
}
`;
