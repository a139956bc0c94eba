// `hero-journey verify --format html` (a standalone page) and the live dashboard of
// `verify --serve` (the same page plus a few lines that swap rows in as server-sent events
// arrive). Made for a projector: large type, strong colours, who is ahead marked with a star,
// who is stuck in red with the reason beneath, and per column how many are on it and past it.
// Every string from an attendee's cluster is escaped; a strict Content-Security-Policy forbids
// anything but the page's own style (and, live, its own script talking back to its server).
import { cellFor, columnCounts, leaders, statusWords, verdictOf, type AttendeeReport, type Cell, type ClassroomReport, type Verdict } from '../model.ts';
import { rowName } from './grid.ts';

/** Escape text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A whole page. `live` adds the script that follows `/events` (the dashboard). */
export function renderHtml(report: ClassroomReport, options: { live?: boolean } = {}): string {
  const csp = options.live
    ? "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'"
    : "default-src 'none'; style-src 'unsafe-inline'";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(report.journey.title)} · hero-journey verify</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.journey.title)}</h1>
<p id="summary">${renderSummary(report)}</p>
</header>
<main id="board">${renderBoard(report)}</main>
<footer>
<span class="legend"><b class="cell passed">✓</b> passed <b class="cell failed">✗</b> failing now <b class="cell current">…</b> on it now <b class="cell skipped">↷</b> skipped <b class="cell unchecked">?</b> not re-checked</span>
<span id="status">${options.live ? 'connecting…' : `checked ${escapeHtml(report.generatedAt)}`}</span>
</footer>
${options.live ? `<script>${LIVE_SCRIPT}</script>` : ''}
</body>
</html>
`;
}

/** The table: head with per-column counts, one <tbody> per attendee (so one can be replaced alone). */
export function renderBoard(report: ClassroomReport): string {
  return `<table>
<thead id="head">${renderHead(report)}</thead>
${report.attendees.map((a, i) => renderRow(report, a, i)).join('\n')}
</table>`;
}

/** The header row: chapter columns with how many are on each and past it. */
export function renderHead(report: ClassroomReport): string {
  const counts = columnCounts(report);
  const cells = counts
    .map(
      (c) =>
        `<th scope="col" title="${escapeHtml(c.column.title)}"><span class="col">${escapeHtml(c.column.id)}</span><span class="count">${c.here > 0 ? `<b>${c.here}</b> here` : ''}${c.here > 0 && c.passed > 0 ? ' · ' : ''}${c.passed > 0 ? `${c.passed} done` : ''}${c.failed > 0 ? ` · <em>${c.failed} failing</em>` : ''}</span></th>`,
    )
    .join('');
  return `<tr><th scope="col" class="who">attendee</th><th scope="col" class="done">done</th>${cells}</tr>`;
}

/** One attendee: their row of cells, and beneath it the first failing reason (or why it is empty). */
export function renderRow(report: ClassroomReport, attendee: AttendeeReport, index: number): string {
  const ahead = leaders(report).includes(attendee.name) && report.attendees.length > 1;
  const verdict = verdictOf(attendee);
  const failing = verdict === 'failing';
  const down = verdict === 'down';
  const classes = ['attendee', `status-${attendee.status}`, `verdict-${verdict}`, failing ? 'stuck' : '', down ? 'down' : '', ahead ? 'ahead' : ''].filter(Boolean).join(' ');
  const name = `<th scope="row" class="who">${ahead ? '<span class="star" title="furthest along">★</span> ' : ''}${escapeHtml(rowName(attendee))}${
    attendee.current && !attendee.finished ? `<small>on ${escapeHtml(attendee.current)}${attendee.updatedAt ? ` since ${escapeHtml(clock(attendee.updatedAt))}` : ''}</small>` : attendee.finished ? '<small>finished</small>' : ''
  }</th>`;
  const done = attendee.chapters.filter((c) => c.state === 'passed').length;
  const columnCount = report.columns.length;
  let cells: string;
  if (attendee.status !== 'ok' && attendee.chapters.length === 0) {
    cells = `<td class="done">–</td><td class="message" colspan="${columnCount}">${escapeHtml(statusWords[attendee.status])}${attendee.message ? `: ${escapeHtml(attendee.message)}` : ''}</td>`;
  } else {
    cells = `<td class="done">${done}</td>${report.columns.map((column) => renderCell(cellFor(attendee, column))).join('')}`;
  }
  const why = attendee.firstFailure
    ? `${escapeHtml(attendee.firstFailure.chapter)}${attendee.firstFailure.check ? ` · ${escapeHtml(attendee.firstFailure.check)}` : ''}: ${escapeHtml(attendee.firstFailure.reason)}`
    : attendee.status === 'ok' && attendee.message
      ? escapeHtml(attendee.message)
      : '';
  return `<tbody id="a-${index}" class="${classes}" data-name="${escapeHtml(attendee.name)}"><tr>${name}${cells}</tr>${why ? `<tr class="why"><td></td><td colspan="${columnCount + 1}">↳ ${why}</td></tr>` : ''}</tbody>`;
}

function renderCell(cell: Cell): string {
  if (cell.state === 'none') return '<td class="cell none"></td>';
  const mark = { passed: '✓', failed: '✗', current: '…', skipped: '↷', unchecked: '?' }[cell.state];
  const title = cell.reason ? ` title="${escapeHtml(cell.reason)}"` : '';
  return `<td class="cell ${cell.state}" data-state="${cell.state}"${title}><b>${mark}</b>${cell.variant ? ` <span>${escapeHtml(cell.variant)}</span>` : ''}</td>`;
}

/** The line under the title: how many, who is ahead, who is stuck, who cannot be reached. */
export function renderSummary(report: ClassroomReport): string {
  const total = report.attendees.length;
  const verdicts = report.attendees.map(verdictOf);
  const count = (verdict: Verdict) => verdicts.filter((v) => v === verdict).length;
  const stuck = count('failing');
  const finished = report.attendees.filter((a) => a.finished).length;
  const down = count('down');
  const pending = count('pending');
  const ahead = leaders(report);
  const parts = [`<b>${total}</b> attendee${total === 1 ? '' : 's'}`];
  parts.push(`<b class="${stuck ? 'bad' : ''}">${stuck}</b> stuck`);
  if (count('skipped')) parts.push(`<b class="bad">${count('skipped')}</b> skipped checks`);
  if (count('unchecked')) parts.push(`<b>${count('unchecked')}</b> not re-checked`);
  if (finished) parts.push(`<b>${finished}</b> finished`);
  if (down) parts.push(`<b class="bad">${down}</b> not reachable`);
  if (pending) parts.push(`<b>${pending}</b> checking`);
  const shown = (name: string) => report.attendees.find((a) => a.name === name)?.displayName ?? name;
  if (ahead.length > 0 && total > 1) parts.push(`ahead: ${ahead.slice(0, 3).map((n) => escapeHtml(shown(n))).join(', ')}${ahead.length > 3 ? ` +${ahead.length - 3}` : ''}`);
  return parts.join(' · ');
}

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toTimeString().slice(0, 5);
}

const STYLE = `
:root{--fg:#111;--bg:#fff;--muted:#555;--line:#ccd;--ok:#0b6b2b;--okbg:#d5f5dd;--bad:#a00010;--badbg:#ffd9dc;--now:#7a4a00;--nowbg:#ffe9a8;--skip:#666;--skipbg:#eee}
*{box-sizing:border-box}
body{margin:0;font:20px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:.6em 1em .2em}
h1{font-size:1.5em;margin:0}
#summary{margin:.2em 0 .4em;font-size:1.1em}
#summary .bad{color:var(--bad)}
main{padding:0 1em;overflow-x:auto}
table{border-collapse:collapse;width:100%}
thead th{position:sticky;top:0;background:var(--bg);text-align:left;vertical-align:bottom;border-bottom:3px solid var(--fg);padding:.25em .4em;white-space:nowrap}
thead .col{display:block;font-size:.95em}
thead .count{display:block;font-size:.7em;font-weight:normal;color:var(--muted)}
thead .count em{color:var(--bad);font-style:normal;font-weight:bold}
tbody{border-bottom:1px solid var(--line)}
th.who{text-align:left;padding:.3em .4em;white-space:nowrap;max-width:16em;overflow:hidden;text-overflow:ellipsis}
th.who small{display:block;font-weight:normal;font-size:.7em;color:var(--muted)}
td{padding:.25em .4em}
td.done{text-align:right;color:var(--muted);font-variant-numeric:tabular-nums}
.cell{white-space:nowrap;font-weight:normal}
.cell b{font-size:1.1em}
.cell span{font-size:.75em}
.cell.passed{color:var(--ok);background:var(--okbg)}
.cell.failed{color:var(--bad);background:var(--badbg);font-weight:bold}
.cell.current{color:var(--now);background:var(--nowbg);font-weight:bold}
.cell.skipped{color:var(--skip);background:var(--skipbg)}
.cell.unchecked{color:var(--now);background:#fff6d6}
tbody.stuck th.who{border-left:.35em solid var(--bad)}
tbody.down td.message{color:var(--bad)}
tbody.status-no-progress td.message,tbody.status-pending td.message{color:var(--muted)}
tr.why td{font-size:.8em;color:var(--bad);padding-top:0}
tbody.status-ok:not(.stuck) tr.why td{color:var(--now)}
.star{color:#c77700}
footer{display:flex;justify-content:space-between;gap:1em;flex-wrap:wrap;padding:.6em 1em;font-size:.75em;color:var(--muted)}
footer .legend b{display:inline-block;min-width:1.4em;text-align:center;margin-left:.6em}
@media (prefers-color-scheme:dark){:root{--fg:#f3f3f3;--bg:#111;--muted:#aaa;--line:#333;--ok:#7ee29a;--okbg:#0f3a1c;--bad:#ff8a94;--badbg:#4a0d14;--now:#ffd36b;--nowbg:#4a3800;--skip:#bbb;--skipbg:#2a2a2a}.cell.unchecked{background:#3a3000}}
`;

// Follows /events: `row` replaces one attendee's <tbody>, `head` and `summary` the counts,
// `full` the whole board (after a reconnect). Only textContent/outerHTML from our own server.
const LIVE_SCRIPT = `
(function(){
  var status=document.getElementById('status');
  function set(id,html,outer){var el=document.getElementById(id);if(!el)return;if(outer)el.outerHTML=html;else el.innerHTML=html;}
  var es=new EventSource('events');
  es.addEventListener('full',function(e){var d=JSON.parse(e.data);set('board',d.board);set('summary',d.summary);status.textContent='live · '+d.at;});
  es.addEventListener('row',function(e){var d=JSON.parse(e.data);set('a-'+d.index,d.html,true);});
  es.addEventListener('head',function(e){var d=JSON.parse(e.data);set('head',d.head);set('summary',d.summary);status.textContent='live · '+d.at;});
  es.onerror=function(){status.textContent='reconnecting…';};
})();
`;
