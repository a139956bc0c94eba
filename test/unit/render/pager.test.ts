import { describe, expect, test } from 'vitest';
import { pagerWanted } from '../../../src/pager.ts';
import { lastTop, pagerLines, pagerScreen, pagerStatus } from '../../../src/render/pager.ts';

const ESC = '\u001B';
const lines = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`);

describe('the pager screen', () => {
  test('a page is the terminal less one row, and the status line says which lines of how many', () => {
    const screen = pagerScreen({ lines, top: 0, rows: 10, columns: 80, help: false, color: false, unicode: true });
    expect(screen).toHaveLength(10);
    expect(screen.slice(0, 9)).toEqual(lines.slice(0, 9));
    expect(screen[9]).toBe('chapter text, lines 1–9 of 50 · Space next page · b back · q done · ? keys');
  });

  test('the last page is full, says (end), and Space goes on to the steps', () => {
    expect(lastTop(50, 10)).toBe(41);
    expect(pagerStatus({ lines, top: 41, rows: 10, help: false, unicode: true })).toBe('chapter text, lines 42–50 of 50 (end) · Space or q: go to the steps · ? keys');
    expect(lastTop(5, 10)).toBe(0);
  });

  test('? shows the keys in place of the text; without Unicode the status line is ASCII', () => {
    const screen = pagerScreen({ lines, top: 0, rows: 14, columns: 80, help: true, color: false, unicode: false });
    expect(screen[0]).toBe('Keys of the chapter text:');
    expect(screen.join('\n')).toMatch(/q, Esc\s+done reading: go to the steps/);
    expect(screen.join('\n')).toMatch(/Enter, j, down\s+one line down/);
    expect(screen[13]).toBe('chapter text, lines 1-13 of 50 · press any key to go back to the text'.replace('·', '-'));
  });

  test('the status line never wraps on a narrow terminal, and is shown reversed with colour', () => {
    const [status] = pagerScreen({ lines, top: 0, rows: 2, columns: 30, help: false, color: false, unicode: true }).slice(-1);
    expect(status).toHaveLength(29);
    expect(status!.endsWith('…')).toBe(true);
    expect(pagerScreen({ lines, top: 0, rows: 2, columns: 80, help: false, color: true, unicode: true }).at(-1)).toMatch(/^\u001B\[7m.*\u001B\[0m$/);
  });
});

describe('pagerLines', () => {
  test('lines wider than the terminal are cut to its width, so a page never scrolls', () => {
    expect(pagerLines(`${'x'.repeat(25)}\nshort\n`, 10, false)).toEqual(['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx', 'short']);
  });

  test('escape sequences other than colours and links are removed; with colour each line closes its styles', () => {
    const text = `${ESC}]52;c;cHduZWQ=\u0007${ESC}[2Jplain ${ESC}[1mbold`;
    expect(pagerLines(text, 80, false)).toEqual(['plain bold']);
    const [line] = pagerLines(text, 80, true);
    expect(line).toBe(`plain ${ESC}[1mbold${ESC}[0m`);
  });
});

describe('pagerWanted', () => {
  test.each([
    [{}, true],
    [{ PAGER: 'less' }, true],
    [{ PAGER: 'cat' }, false],
    [{ PAGER: '' }, false],
    [{ HERO_JOURNEY_PAGER: '0' }, false],
    [{ HERO_JOURNEY_PAGER: 'off' }, false],
    [{ HERO_JOURNEY_PAGER: 'cat' }, false],
    [{ HERO_JOURNEY_PAGER: '1', PAGER: 'cat' }, true],
    [{ TERM: 'dumb' }, false],
  ])('%j → %s', (env, wanted) => {
    expect(pagerWanted(env as NodeJS.ProcessEnv)).toBe(wanted);
  });
});
