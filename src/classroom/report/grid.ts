// The terminal grid of `hero-journey verify`: one row per attendee, one column per top-level
// chapter (its variants in the cell), the first failing reason beneath the row. Pure: a report
// and terminal options in, text out. Everything that came from an attendee's cluster is cleaned
// of control characters before it reaches the terminal.
import type { TerminalOptions } from '../../render/terminal.ts';
import { padEndVisible, sanitize, toAscii, visibleWidth } from '../../render/text.ts';
import { themeFor, type Theme } from '../../render/theme.ts';
import { cellFor, columnCounts, leaders, statusWords, type AttendeeReport, type Cell, type ClassroomReport } from '../model.ts';

const NAME_MAX = 22;
const CELL_MAX = 16;

/** The grid as text, ending in a newline. */
export function renderGrid(report: ClassroomReport, terminal: TerminalOptions, options: { now?: Date } = {}): string {
  const theme = themeFor(terminal);
  const width = terminal.width;
  const clean = (text: string) => (terminal.unicode ? sanitize(text) : toAscii(sanitize(text)));
  const cut = (text: string, max: number) => truncate(text, max, terminal.unicode ? '…' : '...');
  const names = report.attendees.map((a) => cut(clean(rowName(a)), NAME_MAX));
  const nameWidth = Math.max(8, ...names.map(visibleWidth));
  const cells = report.attendees.map((a) => report.columns.map((column) => cellFor(a, column)));

  // Wide layout: cells show the variant taken ("✔ kbld"); compact: one mark per column, numbered.
  const wideTexts = cells.map((row) => row.map((cell) => cellText(cell, theme, false, clean, CELL_MAX)));
  const wideWidths = report.columns.map((column, i) =>
    Math.max(visibleWidth(cut(column.id, CELL_MAX)), ...wideTexts.map((row) => visibleWidth(row[i]!))),
  );
  const wideTotal = nameWidth + wideWidths.reduce((sum, w) => sum + w + 2, 0);
  const compact = wideTotal > width;
  const columnWidths = compact ? report.columns.map((_, i) => Math.max(String(i + 1).length, theme.unicode ? 1 : 3)) : wideWidths;
  const headers = report.columns.map((column, i) => (compact ? String(i + 1) : cut(column.id, CELL_MAX)));

  const lines: string[] = [];
  const counts = summaryCounts(report);
  lines.push(theme.style.title(clean(report.journey.title)));
  lines.push(
    theme.style.dim(
      `${report.attendees.length} attendee${report.attendees.length === 1 ? '' : 's'} ${theme.symbol.dot} ${counts.join(` ${theme.symbol.dot} `)} ${theme.symbol.dot} checked ${clock(report.generatedAt)} ${theme.symbol.dot} timeout ${report.timeoutMs / 1000} s`,
    ),
  );
  lines.push('');
  lines.push(theme.style.dim([padEndVisible('attendee', nameWidth), ...headers.map((h, i) => padEndVisible(h, columnWidths[i]!))].join('  ')).trimEnd());
  report.attendees.forEach((attendee, row) => {
    const name = padEndVisible(names[row]!, nameWidth);
    if (attendee.status !== 'ok' && attendee.chapters.length === 0) {
      const word = statusWords[attendee.status];
      const text = attendee.message ? `${word}: ${clean(attendee.message)}` : word;
      const styled = attendee.status === 'pending' ? theme.style.dim : attendee.status === 'no-progress' ? theme.style.dim : theme.chalk.red;
      lines.push(`${name}  ${styled(cut(text, Math.max(10, width - nameWidth - 2)))}`);
      return;
    }
    const rowCells = cells[row]!.map((cell, i) => padEndVisible(compact ? cellText(cell, theme, true, clean, CELL_MAX) : styleCell(cell, wideTexts[row]![i]!, theme), columnWidths[i]!));
    lines.push(`${name}  ${rowCells.join('  ')}`.trimEnd());
    const beneath = reasonBeneath(attendee, clean);
    if (beneath) {
      const arrow = theme.unicode ? '↳' : '->';
      lines.push(theme.style.dim(cut(`${' '.repeat(2)}${arrow} ${beneath}`, width)));
    }
  });
  lines.push('');
  if (compact) {
    const legend = report.columns.map((c, i) => `${i + 1} ${clean(c.id)}`).join(`  `);
    lines.push(...wrapWords(legend, width).map((l) => theme.style.dim(l)));
  }
  const perColumn = columnCounts(report)
    .filter((c) => c.here > 0)
    .map((c) => `${clean(c.column.id)} ${c.here}`);
  if (perColumn.length > 0) lines.push(...wrapWords(`on it now: ${perColumn.join(`, `)}`, width));
  const ahead = leaders(report);
  if (ahead.length > 0 && report.attendees.length > 1) lines.push(cut(`ahead: ${ahead.map(clean).join(', ')}`, width));
  lines.push(
    theme.style.dim(
      `${theme.chalk.green(theme.symbol.check)} passed  ${theme.chalk.red(theme.symbol.cross)} failing now  ${theme.chalk.yellow(theme.symbol.ellipsis)} on it now  ${theme.symbol.skip} skipped  ? not re-checked`,
    ),
  );
  void options;
  return `${lines.join('\n')}\n`;
}

/** "alice" or "Alice Smith (alice)" when the learner gave a name. */
export function rowName(attendee: AttendeeReport): string {
  return attendee.displayName && attendee.displayName !== attendee.name ? `${attendee.displayName} (${attendee.name})` : attendee.name;
}

function cellText(cell: Cell, theme: Theme, markOnly: boolean, clean: (t: string) => string, max: number): string {
  const { symbol, chalk: c } = theme;
  const mark = {
    passed: c.green(symbol.check),
    failed: c.red(symbol.cross),
    current: c.yellow(symbol.ellipsis),
    skipped: c.dim(symbol.skip),
    unchecked: c.yellow('?'),
    none: '',
  }[cell.state];
  if (markOnly || !cell.variant) return mark;
  // Cut before styling, so no escape sequence is ever cut in half.
  return `${mark} ${truncate(clean(cell.variant), max - visibleWidth(mark) - 1, theme.unicode ? '…' : '.')}`;
}

function styleCell(cell: Cell, text: string, theme: Theme): string {
  if (cell.state === 'current') return theme.style.strong(text);
  if (cell.state === 'skipped') return theme.style.dim(text);
  return text;
}

/** The line under a row: the first failing check, or why the row is incomplete. */
function reasonBeneath(attendee: AttendeeReport, clean: (t: string) => string): string | undefined {
  if (attendee.firstFailure) {
    const f = attendee.firstFailure;
    return clean(`${f.chapter}${f.check ? ` ${String.fromCharCode(183)} ${f.check}` : ''}: ${f.reason}`);
  }
  if (attendee.message) return clean(attendee.message);
  return undefined;
}

function summaryCounts(report: ClassroomReport): string[] {
  const failing = report.attendees.filter((a) => a.status === 'ok' && a.firstFailure).length;
  const finished = report.attendees.filter((a) => a.finished).length;
  const unreachable = report.attendees.filter((a) => a.status !== 'ok' && a.status !== 'no-progress' && a.status !== 'pending').length;
  const notStarted = report.attendees.filter((a) => a.status === 'no-progress').length;
  const parts = [`${failing} failing`];
  if (finished) parts.push(`${finished} finished`);
  if (notStarted) parts.push(`${notStarted} not started`);
  if (unreachable) parts.push(`${unreachable} not reachable`);
  return parts;
}

function clock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toTimeString().slice(0, 8);
}

/** Cut to `max` visible columns with an ellipsis (styles are added after cutting). */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (visibleWidth(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (visibleWidth(out + ch) > max - visibleWidth(ellipsis)) break;
    out += ch;
  }
  return `${out}${ellipsis}`;
}

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && visibleWidth(line) + 1 + visibleWidth(word) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
