// The terminal grid of `hero-journey verify`: one row per attendee, one column per top-level
// chapter (its variants in the cell), the first failing reason beneath the row. Pure: a report
// and terminal options in, text out. Everything that came from an attendee's cluster is cleaned
// of control characters before it reaches the terminal.
import type { TerminalOptions } from '../../render/terminal.ts';
import { padEndVisible, toAscii, visibleWidth } from '../../render/text.ts';
import { sanitize } from '../../render/sanitize.ts';
import { themeFor, type Theme } from '../../render/theme.ts';
import { cellFor, columnCounts, leaders, statusWords, verdictOf, type AttendeeReport, type Cell, type ClassroomReport, type Verdict } from '../model.ts';

const NAME_MAX = 30;
const CELL_MAX = 16;

/** The grid as text, ending in a newline. */
export function renderGrid(report: ClassroomReport, terminal: TerminalOptions): string {
  const theme = themeFor(terminal);
  const width = terminal.width;
  const clean = (text: string) => (terminal.unicode ? sanitize(text) : toAscii(sanitize(text)));
  const cut = (text: string, max: number) => truncate(text, max, terminal.unicode ? '…' : '...');
  const fullNames = report.attendees.map((a) => cut(clean(rowName(a)), NAME_MAX));
  const cells = report.attendees.map((a) => report.columns.map((column) => cellFor(a, column)));

  // Wide layout: cells show the variant taken ("✔ kbld"); compact: one mark per column, numbered.
  const wideTexts = cells.map((row) => row.map((cell) => cellText(cell, theme, false, clean, CELL_MAX)));
  const wideWidths = report.columns.map((column, i) =>
    Math.max(visibleWidth(cut(column.id, CELL_MAX)), ...wideTexts.map((row) => visibleWidth(row[i]!))),
  );
  const longestName = Math.max(8, ...fullNames.map(visibleWidth));
  // Between the two: named columns with one mark per cell, before falling back to numbers and a legend.
  const markWidths = report.columns.map((column) => visibleWidth(cut(column.id, CELL_MAX)));
  const wide = longestName + wideWidths.reduce((sum, w) => sum + w + 2, 0) <= width;
  const marksOnly = !wide && Math.min(longestName, 20) + markWidths.reduce((sum, w) => sum + w + 1, 0) <= width;
  const compact = !wide && !marksOnly;
  const gap = wide ? '  ' : ' ';
  const columnWidths = compact ? report.columns.map((_, i) => String(i + 1).length) : marksOnly ? markWidths : wideWidths;
  const headers = report.columns.map((column, i) => (compact ? String(i + 1) : cut(column.id, CELL_MAX)));
  const cellsWidth = columnWidths.reduce((sum, w) => sum + w + gap.length, 0);
  // Names get at most 40% of a narrow terminal: the reasons beside and beneath them need room too.
  const nameWidth = Math.max(8, Math.min(longestName, width - cellsWidth, Math.max(12, Math.floor(width * 0.4))));
  const names = fullNames.map((n) => cut(n, nameWidth));

  const lines: string[] = [];
  const counts = summaryCounts(report);
  lines.push(theme.style.title(clean(report.journey.title)));
  const subtitle = `${report.attendees.length} attendee${report.attendees.length === 1 ? '' : 's'} ${theme.symbol.dot} ${counts.join(` ${theme.symbol.dot} `)} ${theme.symbol.dot} checked ${clock(report.generatedAt)} ${theme.symbol.dot} timeout ${report.timeoutMs / 1000} s`;
  lines.push(...wrapWords(subtitle, width).map((l) => theme.style.dim(l)));
  lines.push('');
  lines.push(theme.style.dim([padEndVisible('attendee', nameWidth), ...headers.map((h, i) => padEndVisible(h, columnWidths[i]!))].join(gap)).trimEnd());
  report.attendees.forEach((attendee, row) => {
    const name = padEndVisible(names[row]!, nameWidth);
    if (attendee.status !== 'ok' && attendee.chapters.length === 0) {
      const word = statusWords[attendee.status];
      const text = attendee.message ? `${word}: ${clean(attendee.message)}` : word;
      const styled = attendee.status === 'pending' ? theme.style.dim : attendee.status === 'no-progress' ? theme.style.dim : theme.chalk.red;
      const room = Math.max(10, width - nameWidth - gap.length);
      clip(wrapWords(text, room), 2, room, cut).forEach((line, i) => lines.push(`${i === 0 ? name : ' '.repeat(nameWidth)}${gap}${styled(line)}`));
      return;
    }
    const rowCells = cells[row]!.map((cell, i) => padEndVisible(!wide ? cellText(cell, theme, true, clean, CELL_MAX) : styleCell(cell, wideTexts[row]![i]!, theme), columnWidths[i]!));
    lines.push(`${name}${gap}${rowCells.join(gap)}`.trimEnd());
    const beneath = reasonBeneath(attendee, clean);
    if (beneath) {
      const arrow = theme.unicode ? '↳' : '->';
      const room = Math.max(10, width - 3 - visibleWidth(arrow));
      clip(wrapWords(beneath, room), 2, room, cut).forEach((line, i) => lines.push(theme.style.dim(`  ${i === 0 ? arrow : ' '.repeat(visibleWidth(arrow))} ${line}`)));
    }
  });
  lines.push('');
  if (compact) {
    const numbered = report.columns.map((c, i) => `${i + 1} ${clean(c.id)}`);
    lines.push(...wrapItems(numbered, width).map((l) => theme.style.dim(l)));
  }
  const perColumn = columnCounts(report)
    .filter((c) => c.here > 0)
    .map((c) => `${clean(c.column.id)} ${c.here}`);
  if (perColumn.length > 0) lines.push(...wrapWords(`on it now: ${perColumn.join(`, `)}`, width));
  const ahead = leaders(report);
  const shown = (name: string) => report.attendees.find((a) => a.name === name)?.displayName ?? name;
  if (ahead.length > 0 && report.attendees.length > 1) lines.push(cut(`ahead: ${ahead.map((n) => clean(shown(n))).join(', ')}`, width));
  const m = marks(theme);
  const legend = [`${m.passed} passed`, `${m.failed} failing now`, `${m.current} on it now`, `${m.skipped} skipped`, `${m.unchecked} not re-checked`];
  lines.push(...wrapItems(legend, width).map((l) => theme.style.dim(l)));
  return `${lines.join('\n')}\n`;
}

/** "alice" or "Alice Smith (alice)" when the learner gave a name. */
export function rowName(attendee: AttendeeReport): string {
  return attendee.displayName && attendee.displayName !== attendee.name ? `${attendee.displayName} (${attendee.name})` : attendee.name;
}

function cellText(cell: Cell, theme: Theme, markOnly: boolean, clean: (t: string) => string, max: number): string {
  const c = theme.chalk;
  const m = marks(theme);
  const mark = {
    passed: c.green(m.passed),
    failed: c.red(m.failed),
    current: c.yellow(m.current),
    skipped: c.dim(m.skipped),
    unchecked: c.yellow(m.unchecked),
    none: '',
  }[cell.state];
  if (markOnly || !cell.variant) return mark;
  // Cut before styling, so no escape sequence is ever cut in half.
  return `${mark} ${truncate(clean(cell.variant), max - visibleWidth(mark) - 1, theme.unicode ? '…' : '.')}`;
}

/** One character per state, so compact columns stay one wide. */
function marks(theme: Theme): Record<Exclude<Cell['state'], 'none'>, string> {
  return theme.unicode
    ? { passed: '✔', failed: '✖', current: '…', skipped: '↷', unchecked: '?' }
    : { passed: '+', failed: 'x', current: '*', skipped: '-', unchecked: '?' };
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
  const verdicts = report.attendees.map(verdictOf);
  const count = (verdict: Verdict) => verdicts.filter((v) => v === verdict).length;
  const finished = report.attendees.filter((a) => a.finished).length;
  const parts = [`${count('failing')} failing`];
  if (count('skipped')) parts.push(`${count('skipped')} skipped checks`);
  if (count('unchecked')) parts.push(`${count('unchecked')} not re-checked`);
  if (finished) parts.push(`${finished} finished`);
  if (count('not-started')) parts.push(`${count('not-started')} not started`);
  if (count('down')) parts.push(`${count('down')} not reachable`);
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

/** At most `max` lines; the last one cut with an ellipsis when there was more. */
function clip(lines: string[], max: number, width: number, cut: (text: string, max: number) => string): string[] {
  if (lines.length <= max) return lines.map((l) => cut(l, width));
  const kept = lines.slice(0, max);
  kept[max - 1] = cut(`${kept[max - 1]} ${lines.slice(max).join(' ')}`, width);
  return kept.map((l) => cut(l, width));
}

/** Items separated by two spaces, wrapped between items only. */
function wrapItems(items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && visibleWidth(line) + 2 + visibleWidth(item) > width) {
      lines.push(line);
      line = item;
    } else line = line ? `${line}  ${item}` : item;
  }
  if (line) lines.push(line);
  return lines;
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
