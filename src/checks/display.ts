// Shows checks waiting: on a terminal one line redrawn in place (spinner, time left, the check,
// why it does not pass yet); elsewhere a plain line when a check starts waiting or its reason
// changes (at most one per check every few seconds, so logs stay short).
import { plainWaitingLine, waitingLine } from './countdown.ts';
import type { WaitState } from './engine.ts';

export interface WaitDisplayOptions {
  /** Writes exactly the given text. */
  write: (text: string) => void;
  tty: boolean;
  width: number;
  unicode: boolean;
  /** Milliseconds clock (the same one the engine uses). */
  now?: () => number;
  /** How often plain output may repeat a check's line; default 5 s. */
  plainEveryMs?: number;
  /** On a terminal, a line written once above the countdown when waiting starts (which keys work). */
  keyHint?: string;
}

export interface WaitDisplay {
  update(state: WaitState): void;
  /** Remove the line (terminal) and stop redrawing. */
  stop(): void;
}

const CLEAR_LINE = '\r\u001b[2K';
const TICK_MS = 100;

export function createWaitDisplay(options: WaitDisplayOptions): WaitDisplay {
  const now = options.now ?? (() => performance.now());
  let state: WaitState | undefined;
  let frame = 0;
  let shown = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const printed = new Map<string, { reason: string; at: number }>();

  const waiting = () => (state?.checks ?? []).filter((c) => !c.settled && c.status === 'failed');

  const draw = () => {
    const list = waiting();
    const first = list[0];
    if (!first) {
      if (shown) options.write(CLEAR_LINE);
      shown = false;
      return;
    }
    const line = waitingLine({
      frame,
      remainingMs: first.deadline - now(),
      title: first.title,
      reason: first.reason,
      waiting: list.length,
      width: options.width,
      unicode: options.unicode,
    });
    options.write(`${shown ? CLEAR_LINE : ''}${line}`);
    shown = true;
  };

  return {
    update(next) {
      state = next;
      if (options.tty) {
        if (!timer && waiting().length > 0) {
          if (options.keyHint && !shown) options.write(`${options.keyHint}\n`);
          timer = setInterval(() => {
            frame++;
            draw();
          }, TICK_MS);
          timer.unref();
        }
        draw();
        return;
      }
      const t = now();
      for (const check of waiting()) {
        const last = printed.get(check.id);
        if (last && (last.reason === check.reason || t - last.at < (options.plainEveryMs ?? 5000))) continue;
        printed.set(check.id, { reason: check.reason, at: t });
        options.write(`${plainWaitingLine({ remainingMs: check.deadline - t, title: check.title, reason: check.reason })}\n`);
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (options.tty && shown) options.write(CLEAR_LINE);
      shown = false;
    },
  };
}
