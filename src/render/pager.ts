import { wrapAnsi } from './text-libs.ts';
import { safeText, toAscii, visibleWidth } from './text.ts';

/*
 * The screens of the chapter-text pager (less and gum pager style): the text a screenful at a
 * time with a status line under it. Pure: lines and a position in, the screen's rows out.
 */

/** Where the pager is and what the screen can hold. */
export interface PagerView {
  /** The text's lines, already cut to the screen's width (see pagerLines). */
  lines: readonly string[];
  /** Index of the first line shown. */
  top: number;
  /** Rows of the terminal: one is the status line, the rest hold text. */
  rows: number;
  columns: number;
  /** Show the keys instead of the text. */
  help: boolean;
  /** A passing remark in the status line (an unknown key). */
  notice?: string;
  /** Where q leads, for the status line and the keys: "go to the steps" (the default), "leave". */
  then?: string;
  color: boolean;
  unicode: boolean;
}

/** Rows of text on one page of a terminal `rows` high (the last row is the status line). */
export function pageHeight(rows: number): number {
  return Math.max(1, rows - 1);
}

/**
 * Cut rendered text into lines no wider than `columns`: each line made safe for the terminal
 * (colours and links kept when `color`, every other escape removed) and its styles closed at its
 * end, so a page can start or stop at any line.
 */
export function pagerLines(text: string, columns: number, color: boolean): string[] {
  const width = Math.max(10, columns);
  const lines = text.replace(/\n+$/, '').split('\n');
  return lines.flatMap((line) => {
    const safe = safeText(line, color);
    const pieces = visibleWidth(safe) > width ? wrapAnsi(safe, width, { hard: true, trim: false, wordWrap: false }).split('\n') : [safe];
    return color ? pieces.map((piece) => `${piece}\u001B[0m`) : pieces;
  });
}

/** The farthest down the first shown line may be: the last page is a full page. */
export function lastTop(lineCount: number, rows: number): number {
  return Math.max(0, lineCount - pageHeight(rows));
}

/** The status line: which lines are shown, and the keys that matter most. */
export function pagerStatus(view: Pick<PagerView, 'lines' | 'top' | 'rows' | 'help' | 'notice' | 'unicode' | 'then'>): string {
  const total = view.lines.length;
  const first = Math.min(total, view.top + 1);
  const last = Math.min(total, view.top + pageHeight(view.rows));
  const dash = view.unicode ? '–' : '-';
  const where = `chapter text, lines ${first}${dash}${last} of ${total}`;
  if (view.help) return `${where} · press any key to go back to the text`;
  if (view.notice) return `${where} · ${view.notice}`;
  // Short enough for 80 columns: the status line is cut to the screen's width.
  const keys = last >= total ? `Space or q: ${view.then ?? DEFAULT_THEN} · ? keys` : 'Space next page · b back · q done · ? keys';
  return `${where}${last >= total ? ' (end)' : ''} · ${keys}`;
}

const DEFAULT_THEN = 'go to the steps';

/** What the status line says after a key that does nothing. */
export function unknownKeyNotice(then = DEFAULT_THEN): string {
  return `press ? for the keys, q to ${then}`;
}

/** What each key does, shown by `?`; `then` is where q leads. */
export const pagerKeys = (then = DEFAULT_THEN): Array<[string, string]> => [
  ['Space, f, PgDn', 'next page'],
  ['b, PgUp', 'previous page'],
  ['Enter, j, ↓', 'one line down'],
  ['k, ↑', 'one line up'],
  ['g, Home', 'the top'],
  ['G, End', 'the end'],
  ['q, Esc', `done reading: ${then} (the text stays in the terminal)`],
  ['?', 'these keys'],
  ['Ctrl-C', 'stop (your progress is saved)'],
];

/** The whole screen: `rows - 1` rows of text (or of keys) and the status line. */
export function pagerScreen(view: PagerView): string[] {
  const height = pageHeight(view.rows);
  const body = view.help ? helpLines(view) : view.lines.slice(view.top, view.top + height);
  const rows = [...body.slice(0, height), ...Array.from({ length: Math.max(0, height - body.length) }, () => '')];
  const status = fitStatus(pagerStatus(view), view.columns, view.unicode);
  rows.push(view.color ? `\u001B[7m${status}\u001B[0m` : status);
  return rows;
}

function helpLines(view: PagerView): string[] {
  const keys = pagerKeys(view.then).map(([key, what]) => [view.unicode ? key : toAscii(key).replace('↓', 'down').replace('↑', 'up'), what] as const);
  const width = Math.max(...keys.map(([key]) => key.length));
  return ['Keys of the chapter text:', '', ...keys.map(([key, what]) => `  ${key.padEnd(width)}  ${what}`)].map((line) =>
    wrapAnsi(line, Math.max(10, view.columns), { hard: true, trim: false }).split('\n')[0]!,
  );
}

/** The status line cut to the screen's width (a terminal would wrap it and scroll the page). */
function fitStatus(text: string, columns: number, unicode: boolean): string {
  const line = unicode ? text : toAscii(text);
  const width = Math.max(1, columns - 1);
  if (visibleWidth(line) <= width) return line;
  return `${[...line].slice(0, width - 1).join('')}${unicode ? '…' : '>'}`;
}
