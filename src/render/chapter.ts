import { panelInnerWidth, renderPanel } from './box.ts';
import { renderCallout as renderCalloutBox, type CalloutKind } from './callout.ts';
import { highlightCode } from './highlight.ts';
import type { TerminalOptions } from './terminal.ts';
import { expandTabs, safeText, stripAnsi, toAscii, visibleWidth, wrapText } from './text.ts';
import { sanitize, showControls } from './sanitize.ts';
import { themeFor } from './theme.ts';
import { wrapAnsi } from './text-libs.ts';

/*
 * The screens around a chapter's prose: its header, the card that shows a step before it
 * runs, notices for skipped steps, and the options of a choice point.
 *
 * Block renderers (header, callout, step card, choices, and renderMarkdown) return the
 * block followed by one blank line ("…\n\n"), so writing them one after another gives an
 * evenly spaced page; the chapter header also starts with one, as a page break. Line
 * renderers (skip notice, status line) return one line ending in "\n".
 */

export type { CalloutKind } from './callout.ts';

/** What the header of a chapter shows. */
export interface ChapterHeaderInfo {
  title: string;
  /** e.g. `4` or `Ch. 1, Ep. 4`; a bare number is shown as `Episode 4`. */
  episode?: string;
  summary?: string;
  journeyTitle: string;
  /** The journey phase the chapter belongs to, e.g. `Development`. */
  phase?: string;
  /** Where the chapter sits, e.g. `4 of 7` (shown as `Chapter 4 of 7`) or any short text. */
  position?: string;
}

/** The panel that opens a chapter: journey and phase in the border, title, episode, summary. */
export function renderChapterHeader(info: ChapterHeaderInfo, opts: TerminalOptions): string {
  const theme = themeFor(opts);
  const { style, symbol } = theme;
  const paddingX = 2;
  const inner = panelInnerWidth(opts.width, paddingX);
  const lines: string[] = [];
  const episode = clean(info.episode, opts);
  if (episode) lines.push(style.dim(/^\d+$/.test(episode) ? `Episode ${episode}` : episode));
  lines.push(style.h1(wrapText(clean(info.title, opts), inner)));
  const summary = clean(info.summary, opts);
  if (summary) lines.push('', wrapText(summary, inner));

  const journeyTitle = clean(info.journeyTitle, opts);
  const phase = clean(info.phase, opts);
  // The phase only when it says something the journey's title does not ("Season 1: Development · Development").
  const title = phase && !journeyTitle.toLowerCase().endsWith(phase.toLowerCase()) ? `${journeyTitle} ${symbol.dot} ${phase}` : journeyTitle;
  const position = clean(info.position, opts);
  // A blank line before, too: a new chapter is a new page.
  return `\n${block(
    renderPanel(lines.join('\n'), opts, {
      title,
      ...(position ? { footer: /^\d+ of \d+$/.test(position) ? `Chapter ${position}` : position } : {}),
      border: theme.chalk.magenta,
      titleStyle: style.accent,
      paddingX,
      paddingY: 1,
    }),
  )}`;
}

/**
 * A boxed message: `info`, `tip`, `important`, `warning`, `success`, `error` (or `quote`).
 * `body` is plain text; blank lines separate paragraphs, which are wrapped to fit.
 */
export function renderCallout(kind: CalloutKind, title: string, body: string, opts: TerminalOptions): string {
  return block(renderCalloutBox(kind, title, body, opts));
}

/** A runnable step as shown before the learner decides to run it. */
export interface StepCardInfo {
  title?: string;
  code: string;
  /** The fence's language (`sh`, `bash`, …), used for highlighting. */
  lang: string;
  /** 0-based position among the chapter's steps. */
  index: number;
  total: number;
  optional?: boolean;
}

/**
 * The step card: "Step 2 of 5 · Install cert-manager" in the border, the highlighted
 * command inside. Long lines are folded for display with a continuation mark; for copying,
 * print `renderPlainCommand` instead, which has no box and no folds.
 */
export function renderStepCard(step: StepCardInfo, opts: TerminalOptions): string {
  const theme = themeFor(opts);
  const { style, symbol } = theme;
  const title = clean(step.title, opts);
  const heading = `Step ${step.index + 1} of ${step.total}${title ? ` ${symbol.dot} ${title}` : ''}`;
  const inner = panelInnerWidth(opts.width);
  const code = expandTabs(showControls(step.code)).replace(/^\n+|\s+$/g, '');
  const highlighted = highlightCode(code, step.lang || 'bash', theme);
  const mark = `${symbol.continuation} `;
  const plainLines = code.split('\n');
  const styledLines = highlighted.split('\n');
  const folded = plainLines
    .flatMap((line, i) => foldCodeLine(line, styledLines[i] ?? line, inner, visibleWidth(mark)).map((part, j) => (j === 0 ? part : style.dim(mark) + part)))
    .join('\n');
  return block(
    renderPanel(folded, opts, {
      title: heading,
      ...(step.optional ? { footer: 'optional' } : {}),
      border: theme.chalk.blue,
      titleStyle: style.title,
    }),
  );
}

/**
 * Fold one line of code for a card of `width` columns: breaks at spaces, continuations indented
 * like the line itself (after the mark), a word longer than a row on a row of its own before it
 * is cut, no row left with a lone closing token (`}`, `fi`) and no flag (`-o`) cut off from its
 * value. Break points are found in the plain line and applied to its highlighted twin.
 */
export function foldCodeLine(plain: string, styled: string, width: number, markWidth: number): string[] {
  if (visibleWidth(plain) <= width) return [styled];
  const indent = /^\s*/.exec(plain)?.[0] ?? '';
  const room = Math.max(10, width - markWidth - indent.length);
  const words = [...plain.slice(indent.length).matchAll(/\S+/g)].map((m) => ({ start: m.index + indent.length, end: m.index + indent.length + m[0].length }));
  // Rows as [start, end) ranges of the plain line.
  const rows: Array<{ start: number; end: number }> = [];
  // The first row starts at the line's own indentation.
  let row: { start: number; end: number } | undefined = { start: 0, end: indent.length };
  for (const word of words) {
    const capacity = rows.length === 0 ? width : room;
    if (row && word.end - row.start <= capacity) {
      row.end = word.end;
      continue;
    }
    if (row && row.end > indent.length) rows.push(row);
    let start = word.start;
    // A word longer than a row is cut, each piece on its own row.
    while (word.end - start > room) {
      rows.push({ start, end: start + room });
      start += room;
    }
    row = { start, end: word.end };
  }
  if (row) rows.push(row);
  if (rows[0]) rows[0].start = 0;
  const text = (r: { start: number; end: number }) => plain.slice(r.start, r.end);
  for (let i = 1; i < rows.length; i++) {
    const previous = rows[i - 1]!;
    const current = rows[i]!;
    // Pull words down while the last row is a lone short tail (`}`, `1; }`), or the row above ends in a flag.
    for (let moves = 0; moves < 3; moves++) {
      const lastWord = /(\S+)$/.exec(text(previous))?.[1] ?? '';
      const lone = i === rows.length - 1 && text(current).trim().length <= 6;
      const flag = moves === 0 && /^--?[A-Za-z][\w-]*$/.test(lastWord) && !text(current).trimStart().startsWith('-');
      const movable = lastWord.length > 0 && lastWord.length < text(previous).trim().length && current.end - (previous.end - lastWord.length) <= room;
      if (!(lone || flag) || !movable) break;
      current.start = previous.end - lastWord.length;
      previous.end = previous.end - lastWord.length;
      while (previous.end > previous.start && plain[previous.end - 1] === ' ') previous.end--;
    }
  }
  const pieces = sliceStyled(styled, plain, rows);
  return pieces.map((piece, i) => (i === 0 ? piece : indent + piece));
}

/** Cut a highlighted line at the plain line's row ranges, carrying the open colours over. */
function sliceStyled(styled: string, plain: string, rows: Array<{ start: number; end: number }>): string[] {
  if (stripAnsi(styled) !== plain) return rows.map((r) => plain.slice(r.start, r.end));
  // Map each plain index to its position in the styled string, and remember the colours open there.
  const at: number[] = [];
  const open: string[][] = [];
  let active: string[] = [];
  for (let i = 0, visible = 0; i <= styled.length; ) {
    const escape = /^\u001B\[[\d;]*m/.exec(styled.slice(i));
    if (escape) {
      active = escape[0] === '\u001B[0m' || escape[0] === '\u001B[m' ? [] : [...active, escape[0]];
      i += escape[0].length;
      continue;
    }
    at[visible] = i;
    open[visible] = active;
    if (i === styled.length) break;
    i += 1;
    visible += 1;
  }
  return rows.map((r) => {
    const body = styled.slice(at[r.start] ?? styled.length, at[r.end] ?? styled.length);
    return `${(open[r.start] ?? []).join('')}${body}${(open[r.end] ?? []).length > 0 ? '\u001B[0m' : ''}`;
  });
}

/** A command exactly as written, for copying: no box, no colour, no folds; control characters shown, never sent. */
export function renderPlainCommand(code: string): string {
  return showControls(code);
}

/** Kinds of one-line status messages. */
export type StatusKind = 'done' | 'skipped' | 'info' | 'failed';

/** A one-line status message with an icon, wrapped with a hanging indent; ends in "\n". */
export function renderStatusLine(kind: StatusKind, text: string, opts: TerminalOptions): string {
  const theme = themeFor(opts);
  const { symbol, chalk: c } = theme;
  const icon = { done: symbol.check, skipped: symbol.skip, info: theme.unicode ? 'ℹ' : 'i', failed: symbol.cross }[kind];
  const colour = { done: c.green, skipped: c.dim, info: c.blue, failed: c.red }[kind];
  const hang = ' '.repeat(visibleWidth(icon) + 1);
  const safe = opts.unicode ? safeText(text, opts.color) : toAscii(safeText(text, opts.color));
  const wrapped = wrapText(safe, opts.width - hang.length)
    .split('\n')
    .map((line, i) => (i === 0 ? `${colour(icon)} ${kind === 'skipped' ? c.dim(line) : line}` : hang + (kind === 'skipped' ? c.dim(line) : line)))
    .join('\n');
  return `${wrapped}\n`;
}

/** A dim one-liner for a skipped step or chapter and why: "↷ Skipped step 2 of 5: <reason>". */
export function renderSkipNotice(what: string, reason: string, opts: TerminalOptions): string {
  const because = clean(reason, opts);
  return renderStatusLine('skipped', `Skipped ${clean(what, opts)}${because ? `: ${because}` : ''}`, opts);
}

/** One option of a choice point. */
export interface ChoiceOption {
  label: string;
  summary?: string;
  /** Why the option cannot be picked; set means it is shown disabled. */
  disabled?: string;
  /** The option the learner picked before (marked). */
  chosen?: boolean;
}

/**
 * The options of a choice point as a numbered list with their summaries; disabled options
 * are dimmed with their reason. Meant for output where no menu can be shown (no TTY,
 * `--yes`, the transcript above a menu).
 */
export function renderChoices(title: string, options: readonly ChoiceOption[], opts: TerminalOptions): string {
  const theme = themeFor(opts);
  const { style, symbol, chalk: c } = theme;
  const numberWidth = String(options.length).length + 2;
  const inner = opts.width - numberWidth - 1;
  const lines: string[] = [style.h2(wrapText(clean(title, opts), opts.width))];
  options.forEach((option, index) => {
    const number = `${index + 1})`.padStart(numberWidth);
    const hang = ' '.repeat(numberWidth + 1);
    const label = clean(option.label, opts);
    const marker = option.chosen ? ` ${c.green(symbol.check)}` : '';
    if (option.disabled) {
      const head = wrapText(`${label} (unavailable: ${clean(option.disabled, opts)})`, inner).split('\n');
      head.forEach((line, i) => lines.push(c.dim(`${i === 0 ? number : ' '.repeat(numberWidth)} ${line}`)));
    } else {
      const head = wrapText(style.strong(label) + marker, inner).split('\n');
      head.forEach((line, i) => lines.push(`${i === 0 ? style.accent(number) : ' '.repeat(numberWidth)} ${line}`));
    }
    const summary = clean(option.summary, opts);
    if (summary) {
      for (const line of wrapText(summary, inner).split('\n')) lines.push(hang + style.dim(line));
    }
  });
  return block(lines.join('\n'));
}

function block(text: string): string {
  return `${text}\n\n`;
}

/** Text from journey files: no control characters, whitespace runs collapsed, ASCII if need be. */
function clean(text: string | undefined, opts: Pick<TerminalOptions, 'unicode'>): string {
  if (!text) return '';
  const plain = sanitize(text).replace(/\s+/g, ' ').trim();
  return opts.unicode ? plain : toAscii(plain);
}
