import { panelInnerWidth, renderPanel } from './box.ts';
import type { TerminalOptions } from './terminal.ts';
import { safeText, toAscii, wrapLines } from './text.ts';
import { themeFor, type Style, type Theme } from './theme.ts';

/** What a callout panel says about its content; decides its icon and colour. */
export type CalloutKind = 'info' | 'tip' | 'important' | 'warning' | 'success' | 'error' | 'quote';

interface CalloutLook {
  icon: string;
  label: string;
  colour: Style;
}

/** Icon, default label and colour of a callout kind in this theme. */
export function calloutLook(kind: CalloutKind, theme: Theme): CalloutLook {
  const c = theme.chalk;
  const u = theme.unicode;
  switch (kind) {
    case 'info':
      return { icon: u ? 'ℹ' : 'i', label: 'Note', colour: c.blue };
    case 'tip':
      return { icon: u ? '✦' : '*', label: 'Tip', colour: c.green };
    case 'important':
      return { icon: u ? '◆' : '!', label: 'Important', colour: c.magenta };
    case 'warning':
      return { icon: u ? '⚠' : '!', label: 'Warning', colour: c.yellow };
    case 'success':
      return { icon: theme.symbol.check, label: 'Done', colour: c.green };
    case 'error':
      return { icon: theme.symbol.cross, label: 'Error', colour: c.red };
    case 'quote':
      return { icon: '', label: '', colour: c.dim };
  }
}

/**
 * A callout panel around already rendered (and wrapped) text, titled with the kind's icon.
 * `title` undefined means the kind's default label; an empty string means no title.
 */
export function renderCalloutPanel(
  kind: CalloutKind,
  title: string | undefined,
  renderedBody: string,
  opts: TerminalOptions,
): string {
  const theme = themeFor(opts);
  const look = calloutLook(kind, theme);
  const label = title ?? look.label;
  const heading = label ? (look.icon ? `${look.icon} ${label}` : label) : undefined;
  return renderPanel(renderedBody, opts, {
    ...(heading ? { title: heading } : {}),
    border: look.colour,
    titleStyle: (text) => theme.chalk.bold(look.colour(text)),
  });
}

/**
 * A boxed message for the learner: a hint, a warning, a check that failed.
 * `body` is plain text (may contain styles); paragraphs are separated by blank lines and
 * wrapped to fit inside the box.
 */
export function renderCallout(kind: CalloutKind, title: string, body: string, opts: TerminalOptions): string {
  const inner = panelInnerWidth(opts.width);
  // Words longer than the box are broken: a box cannot have a line stick out of it.
  const text = (raw: string) => (opts.unicode ? safeText(raw, opts.color) : toAscii(safeText(raw, opts.color)));
  const wrapped = wrapLines(text(body), inner, { hard: true }).replace(/^\n+|\n+$/g, '');
  return renderCalloutPanel(kind, text(title), wrapped, opts);
}
