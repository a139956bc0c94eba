import { boxen } from './text-libs.ts';
import { stripAnsi, visibleWidth, wrapText } from './text.ts';
import type { TerminalOptions } from './terminal.ts';
import { themeFor, type Style } from './theme.ts';

/** How a panel looks; everything optional. */
export interface PanelStyle {
  /** Shown in the top border, left-aligned. Plain text: it is styled with `titleStyle`. */
  title?: string;
  /** Shown in the bottom border, right-aligned. Plain text. */
  footer?: string;
  /** Colour of the border lines (no effect when colour is off). */
  border?: Style;
  titleStyle?: Style;
  footerStyle?: Style;
  /** Columns of space between the border and the text on each side (default 1). */
  paddingX?: number;
  /** Blank lines inside the border above and below the text (default 0). */
  paddingY?: number;
  /** Total width including the border; defaults to the terminal width. */
  width?: number;
}

const ROUND = {
  topLeft: '╭',
  top: '─',
  topRight: '╮',
  right: '│',
  bottomRight: '╯',
  bottom: '─',
  bottomLeft: '╰',
  left: '│',
};
const CLASSIC = {
  topLeft: '+',
  top: '-',
  topRight: '+',
  right: '|',
  bottomRight: '+',
  bottom: '-',
  bottomLeft: '+',
  left: '|',
};

/** Columns available for text inside a panel of `width` with `paddingX`. */
export function panelInnerWidth(width: number, paddingX = 1): number {
  return Math.max(1, width - 2 - paddingX * 2);
}

/**
 * Draw a box around `body` (already wrapped to `panelInnerWidth`): rounded corners with
 * Unicode, `+-|` without, the title in the top border (`╭─ Title ───╮`) and the footer
 * in the bottom one. boxen lays out the rows; the bars and colours are drawn here, so the
 * result depends only on `opts`, never on the terminal the process happens to run in.
 */
export function renderPanel(body: string, opts: TerminalOptions, panel: PanelStyle = {}): string {
  const theme = themeFor(opts);
  const chars = opts.unicode ? ROUND : CLASSIC;
  const width = Math.max(8, panel.width ?? opts.width);
  const paddingX = panel.paddingX ?? 1;
  const paddingY = panel.paddingY ?? 0;
  const border = opts.color ? (panel.border ?? theme.style.dim) : (text: string) => text;
  const titleStyle = opts.color ? (panel.titleStyle ?? theme.style.title) : (text: string) => text;
  const footerStyle = opts.color ? (panel.footerStyle ?? theme.style.dim) : (text: string) => text;

  // A title too long for the border is not cut: what does not fit opens the body instead.
  let title = panel.title;
  if (title && visibleWidth(stripAnsi(title).replace(/\s+/g, ' ').trim()) > width - 6) {
    const plainTitle = stripAnsi(title).replace(/\s+/g, ' ').trim();
    const split = plainTitle.indexOf(' · ');
    const head = split > 0 && visibleWidth(plainTitle.slice(0, split)) <= width - 6 ? plainTitle.slice(0, split) : undefined;
    const rest = head ? plainTitle.slice(split + 3) : plainTitle;
    title = head;
    body = `${titleStyle(wrapText(rest, panelInnerWidth(width, paddingX)))}\n${body}`;
  }
  const drawn = boxen(body, {
    width,
    padding: { left: paddingX, right: paddingX, top: paddingY, bottom: paddingY },
    margin: 0,
    borderStyle: chars,
  });
  const rows = drawn.split('\n').slice(1, -1);
  const top = bar(chars.topLeft, chars.top, chars.topRight, width, title, 'left', theme.symbol.ellipsis);
  const bottom = bar(chars.bottomLeft, chars.bottom, chars.bottomRight, width, panel.footer, 'right', theme.symbol.ellipsis);
  const paint = (parts: BarParts, labelStyle: Style): string =>
    border(parts.before) + (parts.label ? ` ${labelStyle(parts.label)} ` + border(parts.after) : '');
  return [
    paint(top, titleStyle),
    // A content row is border, text, border; the border characters are one code unit each.
    ...rows.map((row) => border(row.slice(0, 1)) + row.slice(1, -1) + border(row.slice(-1))),
    paint(bottom, footerStyle),
  ].join('\n');
}

interface BarParts {
  before: string;
  label: string;
  after: string;
}

/** A top or bottom border row with an optional label set into it: `╭─ label ─────╮`. */
function bar(
  left: string,
  fill: string,
  right: string,
  width: number,
  label: string | undefined,
  align: 'left' | 'right',
  ellipsis: string,
): BarParts {
  const inner = width - 2;
  const text = label ? fitLabel(label, inner - 4, ellipsis) : '';
  if (!text) return { before: left + fill.repeat(inner) + right, label: '', after: '' };
  const rest = inner - visibleWidth(text) - 2;
  const lead = align === 'left' ? 1 : Math.max(1, rest - 1);
  return { before: left + fill.repeat(lead), label: text, after: fill.repeat(Math.max(0, rest - lead)) + right };
}

function fitLabel(label: string, room: number, ellipsis: string): string {
  const plain = stripAnsi(label).replace(/\s+/g, ' ').trim();
  if (visibleWidth(plain) <= room) return plain;
  const chars = Array.from(plain);
  while (chars.length > 0 && visibleWidth(chars.join('')) + visibleWidth(ellipsis) > room) chars.pop();
  return chars.join('').trimEnd() + ellipsis;
}
