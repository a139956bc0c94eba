import { emitKeypressEvents } from 'node:readline';
import { PromptInterrupted } from './errors.ts';
import { lastTop, pageHeight, pagerLines, pagerScreen, unknownKeyNotice } from './render/pager.ts';

/*
 * Text taller than the terminal, a screen at a time, inside hero-journey (no `less` needed):
 * shown on the terminal's alternate screen, as less and gum pager do, so leaving it puts the
 * terminal back as it was.
 */

/** The terminal the pager reads keys from and draws on (process.stdin and process.stdout fit). */
export interface PagerTerminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  output: NodeJS.WritableStream & { rows?: number; columns?: number; on?: (event: 'resize', listener: () => void) => unknown; off?: (event: 'resize', listener: () => void) => unknown };
  color: boolean;
  unicode: boolean;
  /** Aborted on Ctrl-C that arrives while the pager is open by another way (a signal). */
  signal?: AbortSignal;
  /** Where q leads ("go to the steps" unless said). */
  then?: string;
}

/** Shows text a screen at a time; resolves when the learner is done reading. */
export type PageText = (text: string) => Promise<void>;

/**
 * Whether the environment lets hero-journey page long text: HERO_JOURNEY_PAGER (0, false, no,
 * off, cat or empty: no), else git's rule for PAGER (empty or `cat`: no).
 */
export function pagerWanted(env: NodeJS.ProcessEnv): boolean {
  const own = env.HERO_JOURNEY_PAGER;
  if (own !== undefined) return !/^\s*(0|false|no|off|cat)?\s*$/i.test(own);
  const pager = env.PAGER;
  if (pager !== undefined) return !/^\s*(cat)?\s*$/.test(pager);
  return env.TERM !== 'dumb';
}

function screenSize(output: PagerTerminal['output']): { rows: number; columns: number } {
  const rows = output.rows && output.rows > 0 ? output.rows : 24;
  const columns = output.columns && output.columns > 0 ? output.columns : 80;
  return { rows, columns };
}

/**
 * A pager for this terminal: text that fits on the screen resolves at once; taller text is
 * shown a page at a time until the learner is done reading. Ctrl-C rejects with PromptInterrupted.
 */
export function terminalPager(terminal: PagerTerminal): PageText {
  return (text) => page(text, terminal);
}

interface Key {
  name?: string;
  sequence?: string;
  ctrl?: boolean;
  shift?: boolean;
}

function page(text: string, terminal: PagerTerminal): Promise<void> {
  const { input, output } = terminal;
  if (!input.isTTY || !input.setRawMode) return Promise.resolve();
  let size = screenSize(output);
  let lines = pagerLines(text, size.columns, terminal.color);
  if (lines.length <= pageHeight(size.rows)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let top = 0;
    let help = false;
    let notice: string | undefined;
    const draw = () => {
      const screen = pagerScreen({ lines, top, rows: size.rows, columns: size.columns, help, ...(notice ? { notice } : {}), ...(terminal.then ? { then: terminal.then } : {}), color: terminal.color, unicode: terminal.unicode });
      // Home, each row cleared to its end, the cursor hidden: no flicker of a whole-screen clear.
      output.write(`\u001B[?25l\u001B[H${screen.map((row) => `${row}\u001B[K`).join('\r\n')}\u001B[J`);
    };
    const move = (to: number) => {
      top = Math.max(0, Math.min(lastTop(lines.length, size.rows), to));
    };
    const onResize = () => {
      const firstLine = lines.slice(0, top).join('\n');
      size = screenSize(output);
      lines = pagerLines(text, size.columns, terminal.color);
      // Keep roughly the same text at the top: lines before it may wrap differently now.
      move(top === 0 ? 0 : pagerLines(firstLine, size.columns, terminal.color).length);
      draw();
    };
    const finish = (error?: Error) => {
      input.off('keypress', onKey);
      output.off?.('resize', onResize);
      terminal.signal?.removeEventListener('abort', onAbort);
      input.setRawMode?.(false);
      input.pause();
      output.write('\u001B[?25h\u001B[?1049l');
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new PromptInterrupted());
    const onKey = (sequence: string | undefined, key: Key | undefined) => {
      const name = key?.name ?? '';
      const typed = sequence ?? '';
      if (key?.ctrl && name === 'c') return finish(new PromptInterrupted());
      notice = undefined;
      if (help) {
        help = false;
        return draw();
      }
      const height = pageHeight(size.rows);
      const atEnd = top >= lastTop(lines.length, size.rows);
      if (name === 'q' || name === 'escape') return finish();
      if (typed === ' ' || name === 'f' || name === 'pagedown' || (key?.ctrl && name === 'f')) {
        if (atEnd) return finish();
        move(top + height);
      } else if (name === 'b' || name === 'pageup' || (key?.ctrl && name === 'b')) move(top - height);
      else if (name === 'return' || name === 'enter' || name === 'j' || name === 'down') move(top + 1);
      else if (name === 'k' || name === 'up') move(top - 1);
      else if (typed === 'G' || name === 'end') move(lines.length);
      else if (name === 'g' || name === 'home') move(0);
      else if (typed === '?') help = true;
      else notice = unknownKeyNotice(terminal.then);
      draw();
    };
    if (terminal.signal?.aborted) return reject(new PromptInterrupted());
    emitKeypressEvents(input);
    input.setRawMode!(true);
    input.on('keypress', onKey);
    input.resume();
    output.on?.('resize', onResize);
    terminal.signal?.addEventListener('abort', onAbort);
    output.write('\u001B[?1049h');
    draw();
  });
}
