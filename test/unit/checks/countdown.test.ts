import { describe, expect, it } from 'vitest';
import { formatRemaining, formatTimeout, plainWaitingLine, waitingLine } from '../../../src/checks/countdown.ts';
import { createWaitDisplay } from '../../../src/checks/display.ts';
import type { WaitState } from '../../../src/checks/engine.ts';

describe('formatRemaining', () => {
  it.each([
    [0, '0:00'],
    [-500, '0:00'],
    [1, '0:01'],
    [999, '0:01'],
    [1000, '0:01'],
    [1001, '0:02'],
    [59_000, '0:59'],
    [60_000, '1:00'],
    [299_500, '5:00'],
    [3_600_000, '1:00:00'],
    [3_725_000, '1:02:05'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatRemaining(ms)).toBe(text);
  });
});

describe('formatTimeout', () => {
  it.each([
    [30, '30 s'],
    [60, '1 min'],
    [90, '1 min 30 s'],
    [300, '5 min'],
  ])('%d s → %s', (s, text) => expect(formatTimeout(s)).toBe(text));
});

describe('waitingLine', () => {
  const base = { frame: 0, remainingMs: 102_000, title: 'Hero is up', reason: 'Deployment dev/hero: 1 of 2 replicas available', waiting: 1, width: 80, unicode: true };

  it('shows spinner, time left, check and reason', () => {
    expect(waitingLine(base)).toBe('⠋ 1:42 · Hero is up · Deployment dev/hero: 1 of 2 replicas available');
  });

  it('counts the other checks that wait', () => {
    expect(waitingLine({ ...base, waiting: 3 })).toBe('⠋ 1:42 · Hero is up (+2 more) · Deployment dev/hero: 1 of 2 replicas available');
  });

  it('never fills the last column, and cuts with an ellipsis', () => {
    const line = waitingLine({ ...base, width: 40 });
    expect([...line]).toHaveLength(39);
    expect(line.endsWith('…')).toBe(true);
  });

  it('uses ASCII without Unicode and keeps reasons on one line', () => {
    expect(waitingLine({ ...base, frame: 1, unicode: false, reason: 'two\nlines' })).toBe('/ 1:42 - Hero is up - two lines');
  });

  it('has a plain form for logs', () => {
    expect(plainWaitingLine(base)).toBe('waiting (1:42 left) for Hero is up: Deployment dev/hero: 1 of 2 replicas available');
  });
});

describe('createWaitDisplay', () => {
  const state = (reason: string, settled = false): WaitState => ({
    checks: [{ id: 'a', title: 'Hero is up', status: 'failed', reason, deadline: 60_000, settled }],
  });

  it('without a terminal, prints a line when a check starts waiting and when its reason changes, at most every 5 s', () => {
    const out: string[] = [];
    let now = 0;
    const display = createWaitDisplay({ write: (t) => out.push(t), tty: false, width: 80, unicode: true, now: () => now });
    display.update(state('0 of 2 available'));
    display.update(state('0 of 2 available'));
    now = 1000;
    display.update(state('1 of 2 available'));
    now = 6000;
    display.update(state('1 of 2 available'));
    display.update(state('2 of 2 available', true));
    display.stop();
    // The change at 1 s is held back; at 6 s it is shown; a passed check is not waiting.
    expect(out).toEqual(['waiting (1:00 left) for Hero is up: 0 of 2 available\n', 'waiting (0:54 left) for Hero is up: 1 of 2 available\n']);
    out.length = 1;
    now = 7000;
    const again = createWaitDisplay({ write: (t) => out.push(t), tty: false, width: 80, unicode: true, now: () => now, plainEveryMs: 0 });
    again.update(state('0 of 2'));
    again.update(state('1 of 2'));
    expect(out.slice(1)).toEqual(['waiting (0:53 left) for Hero is up: 0 of 2\n', 'waiting (0:53 left) for Hero is up: 1 of 2\n']);
  });

  it('on a terminal, redraws one line in place and clears it when done', () => {
    const out: string[] = [];
    const display = createWaitDisplay({ write: (t) => out.push(t), tty: true, width: 80, unicode: true, now: () => 0 });
    display.update(state('0 of 2 available'));
    display.update(state('1 of 2 available'));
    display.stop();
    expect(out).toEqual([
      '⠋ 1:00 · Hero is up · 0 of 2 available',
      '\r\u001b[2K⠋ 1:00 · Hero is up · 1 of 2 available',
      '\r\u001b[2K',
    ]);
    expect(out.join('')).not.toContain('\n');
  });
});
