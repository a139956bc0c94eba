import xterm from '@xterm/headless';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createLiveOutput, type LiveStream } from '../../../src/steps/live.ts';
import type { StepExit } from '../../../src/steps/exit-codes.ts';

const CLEAR = '\r\u001b[2K';

function recorder(tty: boolean, columns?: number): LiveStream & { writes: string[]; text(): string } {
  const writes: string[] = [];
  return {
    isTTY: tty,
    ...(columns !== undefined ? { columns } : {}),
    write(text: string) {
      writes.push(text);
      return true;
    },
    writes,
    text: () => writes.join(''),
  };
}

const ended = (fields: Partial<StepExit> & { durationMs: number }) => ({
  exitCode: 0 as number | undefined,
  timedOut: false,
  cancelled: false,
  stderrTail: '',
  ...fields,
});

/** A fake clock the presenter reads, moved together with vitest's fake timers. */
function clock() {
  let now = 0;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
      vi.advanceTimersByTime(ms);
    },
  };
}

describe('not a terminal', () => {
  test('whole lines under a gutter, stderr marked, progress bars collapsed, then one final line', () => {
    const stream = recorder(false);
    const live = createLiveOutput({ stream, color: false, unicode: true, label: 'Create the cluster' });
    live.write('hello\nwor', 'stdout');
    live.write('ld\n', 'stdout');
    live.write('Warning: something\n', 'stderr');
    live.write('10%\r50%\r100%\r\n\n', 'stdout');
    live.write('no newline at the end', 'stdout');
    live.finish(ended({ exitCode: 0, durationMs: 2300 }));
    expect(stream.text()).toBe(
      [
        '  │ hello',
        '  │ world',
        '  ┆ Warning: something',
        '  │ 100%',
        '  │',
        '  │ no newline at the end',
        '  ✓ done in 2.3s',
        '',
      ].join('\n'),
    );
    // Nothing is written for a line until it is complete.
    expect(stream.writes[0]).toBe('  │ hello\n');
  });

  test('ASCII fallbacks and failure summaries', () => {
    const stream = recorder(false);
    const live = createLiveOutput({ stream, color: false, unicode: false, label: 'x' });
    live.write('out\n', 'stdout');
    live.write('err\n', 'stderr');
    live.finish(ended({ exitCode: 1, durationMs: 400 }));
    expect(stream.text()).toBe('  | out\n  : err\n  [x] failed (exit 1: general failure) after 0.4s\n');
  });

  test.each([
    [ended({ exitCode: 127, stderrTail: 'step: line 1: kind: command not found\n', durationMs: 100 }), '  ✗ failed (exit 127: command not found: kind) after 0.1s\n'],
    [ended({ exitCode: undefined, signal: 'SIGTERM', timedOut: true, timeoutSeconds: 30, durationMs: 30_012 }), '  ✗ failed (timed out after 30 s) after 30.0s\n'],
    [ended({ exitCode: undefined, signal: 'SIGTERM', cancelled: true, durationMs: 1200 }), '  ✗ cancelled after 1.2s\n'],
  ])('final line %#', (result, line) => {
    const stream = recorder(false);
    createLiveOutput({ stream, color: false, unicode: true, label: 'x' }).finish(result);
    expect(stream.text()).toBe(line);
  });

  test('no escape codes without colour, even when the output had some', () => {
    const stream = recorder(false);
    const live = createLiveOutput({ stream, color: false, unicode: true, label: 'x' });
    live.write('\u001b[32mgreen\u001b[0m \u001b[2Kcleared\n', 'stdout');
    live.finish(ended({ durationMs: 1 }));
    expect(stream.text()).not.toContain('\u001b');
    expect(stream.text()).toContain('  │ green cleared\n');
  });

  test('with colour: stderr gutter red and text dim, result glyph coloured', () => {
    const stream = recorder(false);
    const live = createLiveOutput({ stream, color: true, unicode: true, label: 'x' });
    live.write('out\n', 'stdout');
    live.write('err\n', 'stderr');
    live.finish(ended({ durationMs: 1000 }));
    expect(stream.writes).toEqual([
      '  \u001b[2m│\u001b[22m out\n',
      '  \u001b[31m┆\u001b[39m \u001b[2merr\u001b[22m\n',
      '  \u001b[32m✓\u001b[39m done in 1.0s\n',
    ]);
  });

  test('writes after finish are ignored, finish twice is harmless', () => {
    const stream = recorder(false);
    const live = createLiveOutput({ stream, color: false, unicode: true, label: 'x' });
    live.finish(ended({ durationMs: 0 }));
    live.write('late\n', 'stdout');
    live.finish(ended({ durationMs: 0 }));
    expect(stream.text()).toBe('  ✓ done in 0.0s\n');
  });
});

describe('a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('status line with spinner, label and elapsed time, redrawn in place every 100 ms', () => {
    const stream = recorder(true, 60);
    const time = clock();
    const live = createLiveOutput({ stream, color: false, unicode: true, label: 'Install cert-manager', now: time.now });
    expect(stream.writes).toEqual(['  ⠋ Install cert-manager · 0.0s']);
    time.advance(100);
    expect(stream.writes[1]).toBe(`${CLEAR}  ⠙ Install cert-manager · 0.1s`);
    time.advance(1000);
    expect(stream.writes).toHaveLength(12);
    expect(stream.writes.at(-1)).toBe(`${CLEAR}  ⠙ Install cert-manager · 1.1s`);
  });

  test('output lines erase the status line, appear, and the status line comes back below', () => {
    const stream = recorder(true, 60);
    const time = clock();
    const live = createLiveOutput({ stream, color: false, unicode: true, label: 'step', now: time.now });
    time.advance(200);
    stream.writes.length = 0;
    live.write('first\nsecond\n', 'stdout');
    expect(stream.writes).toEqual([`${CLEAR}  │ first\n  │ second\n  ⠹ step · 0.2s`]);
  });

  test('a progress bar in progress shows in the status line, cut to the width', () => {
    const stream = recorder(true, 31);
    const time = clock();
    const live = createLiveOutput({ stream, color: false, unicode: true, label: 'pull', now: time.now });
    stream.writes.length = 0;
    live.write('\r[##    ] 33%', 'stdout');
    expect(stream.writes).toEqual([`${CLEAR}  ⠋ pull · 0.0s · [##    ] 33%`]);
    live.write('\r[####  ] 66% downloading a long name', 'stdout');
    const last = stream.writes.at(-1) ?? '';
    expect(last).toBe(`${CLEAR}  ⠋ pull · 0.0s · [####  ] 66…`);
    // One column short of the width, so the terminal never wraps it.
    expect(last.length - CLEAR.length).toBe(30);
  });

  test('finish stops the timer and replaces the status line with the result', () => {
    const stream = recorder(true, 60);
    const time = clock();
    const live = createLiveOutput({ stream, color: false, unicode: false, label: 'step', now: time.now });
    live.write('partial', 'stdout');
    live.finish(ended({ exitCode: 2, durationMs: 450 }));
    expect(stream.writes.at(-1)).toBe(`${CLEAR}  | partial\n  [x] failed (exit 2: wrong usage) after 0.5s\n`);
    const count = stream.writes.length;
    time.advance(1000);
    expect(stream.writes).toHaveLength(count);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('the screen ends up clean: no spinner or partial garbage left behind', async () => {
    const stream = recorder(true, 40);
    const time = clock();
    const live = createLiveOutput({ stream, color: true, unicode: true, label: 'Deploy Hero with a very long title that does not fit', now: time.now });
    live.write('deployment.apps/hero created\n', 'stdout');
    time.advance(300);
    live.write('\r10%', 'stderr');
    time.advance(100);
    live.write('\r100%\n', 'stderr');
    live.write('service/hero ', 'stdout');
    time.advance(250);
    live.write('created\n', 'stdout');
    live.finish(ended({ durationMs: 650 }));

    vi.useRealTimers();
    const terminal = new xterm.Terminal({ cols: 40, rows: 8, convertEol: true, allowProposedApi: true });
    await new Promise<void>((resolve) => terminal.write(stream.text(), resolve));
    const screen: string[] = [];
    for (let y = 0; y < terminal.buffer.active.length; y += 1) {
      screen.push(terminal.buffer.active.getLine(y)?.translateToString(true) ?? '');
    }
    expect(screen.join('\n').trimEnd()).toBe(
      ['  │ deployment.apps/hero created', '  ┆ 100%', '  │ service/hero created', '  ✓ done in 0.7s'].join('\n'),
    );
    terminal.dispose();
  });
});
