// The line shown while checks wait: time left, which check, and why it does not pass yet. Pure.

const SPINNER_UNICODE = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_ASCII = ['|', '/', '-', '\\'];

/** Time left as m:ss (or h:mm:ss), rounded up so "0:00" only shows when time is up. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** A timeout in seconds in words: 90 → "1 min 30 s", 300 → "5 min". */
export function formatTimeout(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

export interface WaitingLineInput {
  /** Increments every redraw, for the spinner. */
  frame: number;
  remainingMs: number;
  /** The check waited for (the one with the most time left when several wait). */
  title: string;
  /** Why it does not pass yet. */
  reason: string;
  /** How many checks still wait (shown when more than one). */
  waiting: number;
  /** Columns available; the line is cut to fit in one row. */
  width: number;
  unicode: boolean;
}

/**
 * The one updating line on a terminal: `⠋ 1:42 · Hero is up · 1 of 2 replicas available`.
 * Never wider than `width - 1` columns (writing the last column makes some terminals wrap, and a
 * wrapped line can no longer be redrawn in place).
 */
export function waitingLine(input: WaitingLineInput): string {
  const spinner = (input.unicode ? SPINNER_UNICODE : SPINNER_ASCII)[input.frame % (input.unicode ? SPINNER_UNICODE.length : SPINNER_ASCII.length)]!;
  const dot = input.unicode ? '·' : '-';
  const more = input.waiting > 1 ? ` (+${input.waiting - 1} more)` : '';
  const text = `${spinner} ${formatRemaining(input.remainingMs)} ${dot} ${oneLine(input.title)}${more} ${dot} ${oneLine(input.reason)}`;
  return cut(text, Math.max(10, input.width - 1), input.unicode ? '…' : '...');
}

/** A plain line for logs and pipes: `waiting (1:42 left) for Hero is up: 1 of 2 replicas available`. */
export function plainWaitingLine(input: Pick<WaitingLineInput, 'remainingMs' | 'title' | 'reason'>): string {
  return `waiting (${formatRemaining(input.remainingMs)} left) for ${oneLine(input.title)}: ${oneLine(input.reason)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cut to `width` code points (our lines are plain text; wide characters are rare in reasons). */
function cut(text: string, width: number, ellipsis: string): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - ellipsis.length)).join('') + ellipsis;
}
