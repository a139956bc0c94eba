// The presenter's view of a poll in the terminal: one line per option with a bar and its count,
// the time left and the keys. Pure: a poll view in, lines out (each fits the width, so the live
// region can be redrawn in place by counting lines).
import { renderUnicodeCompact } from 'uqr';
import { formatRemaining } from '../checks/countdown.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { safeText, toAscii, visibleWidth } from '../render/text.ts';
import { themeFor } from '../render/theme.ts';
import type { PollView } from './poll.ts';

/** Text from a journey or a server, fit for one terminal line: no control characters, at most `max` columns. */
export function terminalLabel(text: string, max: number, unicode: boolean): string {
  // Escape sequences go whole (not just their ESC), then any other control character.
  let plain = safeText(text, false).replace(/\s+/g, ' ').trim();
  if (!unicode) plain = toAscii(plain);
  if (visibleWidth(plain) <= max) return plain;
  let out = '';
  for (const ch of plain) {
    if (visibleWidth(out + ch) > max - 1) break;
    out += ch;
  }
  return `${out}${unicode ? '…' : '.'}`;
}

export interface BoardContext {
  terminal: TerminalOptions;
  /** Seconds until the poll closes by itself; undefined: the presenter closes it. */
  secondsLeft?: number;
  /** The presenter can press keys (a terminal). */
  keys: boolean;
  /** Option ids that tie for first place, when the presenter must break a tie. */
  tie?: string[];
  /** How many seconds `+` adds. */
  extendSeconds: number;
}

/** The live part of the presenter's screen: bars, counts, time left, keys. */
export function renderBoard(view: PollView, context: BoardContext): string[] {
  const { terminal } = context;
  const theme = themeFor(terminal);
  const c = theme.chalk;
  // One column short of the edge: writing the last column makes some terminals wrap.
  const width = terminal.width - 1;
  const labelWidth = Math.min(28, Math.max(10, Math.floor(width * 0.35)));
  const barWidth = Math.max(5, width - labelWidth - 16);
  const top = Math.max(1, ...view.options.map((o) => o.votes));
  const full = terminal.unicode ? '█' : '#';
  const empty = terminal.unicode ? '░' : '.';
  let number = 0;
  const lines = view.options.map((o) => {
    if (o.disabled) {
      return c.dim(`  -  ${terminalLabel(`${o.label} (not available: ${o.because ?? 'not on this path'})`, width - 5, terminal.unicode)}`);
    }
    number += 1;
    const key = `${number}`.padStart(3);
    const label = terminalLabel(o.label, labelWidth, terminal.unicode);
    const filled = Math.round((o.votes / top) * barWidth);
    const bar = c.cyan(full.repeat(filled)) + c.dim(empty.repeat(barWidth - filled));
    const count = String(o.votes).padStart(5);
    const name = label + ' '.repeat(labelWidth - visibleWidth(label));
    const tied = context.tie?.includes(o.id);
    return `${key}  ${tied ? c.bold.yellow(name) : name} ${bar}${count}`;
  });
  const votes = `${view.total} vote${view.total === 1 ? '' : 's'}`;
  const left = context.secondsLeft === undefined ? (context.keys ? 'open until you close it' : '') : `${formatRemaining(context.secondsLeft * 1000)} left`;
  lines.push('', terminalLabel([votes, left].filter(Boolean).join(theme.unicode ? ' · ' : ' - '), width, terminal.unicode));
  if (context.tie) {
    lines.push(c.bold.yellow(terminalLabel(`A tie: press the number of the option to take (${context.tie.length} tied)`, width, terminal.unicode)));
  } else if (context.keys) {
    const range = number > 1 ? `1-${number}` : '1';
    lines.push(c.dim(terminalLabel(`Enter close now · + ${context.extendSeconds} s more · ${range} overrule: take that option · Ctrl-C stop`, width, terminal.unicode).replace(/·/g, theme.unicode ? '·' : '-')));
  }
  return lines;
}

/** The join URL as a QR code for the terminal, dark on light so phones read it on any theme. */
export function terminalQr(url: string, terminal: Pick<TerminalOptions, 'color'>): string {
  const qr = renderUnicodeCompact(url, { border: 2 });
  if (!terminal.color) return qr;
  return qr
    .split('\n')
    .map((line) => `\u001b[30;47m${line}\u001b[0m`)
    .join('\n');
}
