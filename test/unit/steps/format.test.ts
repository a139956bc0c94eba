import { describe, expect, test } from 'vitest';
import {
  collapseCarriageReturns,
  createLineSplitter,
  createTailBuffer,
  displayWidth,
  formatElapsed,
  sanitizeLine,
  stripTerminalCodes,
  truncateToWidth,
} from '../../../src/steps/format.ts';

describe('formatElapsed', () => {
  test.each([
    [0, '0.0s'],
    [-5, '0.0s'],
    [Number.NaN, '0.0s'],
    [49, '0.0s'],
    [400, '0.4s'],
    [2345, '2.3s'],
    [12_340, '12.3s'],
    [59_940, '59.9s'],
    [59_960, '1m 00s'],
    [65_000, '1m 05s'],
    [3_599_000, '59m 59s'],
    [3_720_000, '1h 02m'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe('collapseCarriageReturns', () => {
  test.each([
    ['plain', 'plain'],
    ['crlf\r', 'crlf'],
    ['10%\r50%\r100%', '100%'],
    ['10%\r50%\r', '50%'],
    ['a\r\r', 'a'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(collapseCarriageReturns(input)).toBe(output);
  });
});

describe('createLineSplitter', () => {
  test('joins partial chunks and keeps the line in progress', () => {
    const splitter = createLineSplitter();
    expect(splitter.push('hel')).toEqual([]);
    expect(splitter.pending()).toBe('hel');
    expect(splitter.push('lo\nwor')).toEqual(['hello']);
    expect(splitter.push('ld\n\nnext')).toEqual(['world', '']);
    expect(splitter.flush()).toEqual(['next']);
    expect(splitter.flush()).toEqual([]);
  });

  test('handles \\r\\n split across chunks and progress bars redrawn with \\r', () => {
    const splitter = createLineSplitter();
    expect(splitter.push('one\r')).toEqual([]);
    expect(splitter.push('\ntwo\r\n')).toEqual(['one', 'two']);
    expect(splitter.push('[#   ] 25%\r')).toEqual([]);
    expect(splitter.pending()).toBe('[#   ] 25%');
    expect(splitter.push('[##  ] 50%\r[####] 100%')).toEqual([]);
    expect(splitter.pending()).toBe('[####] 100%');
    expect(splitter.push('\n')).toEqual(['[####] 100%']);
  });

  test('a line that never ends is collapsed, then cut, instead of growing forever', () => {
    const splitter = createLineSplitter();
    const frame = `${'x'.repeat(1000)}\r`;
    for (let i = 0; i < 100; i += 1) expect(splitter.push(frame)).toEqual([]);
    expect(splitter.pending()).toBe('x'.repeat(1000));
    const lines = splitter.push('y'.repeat(20_000));
    expect(lines).toHaveLength(1);
    expect(splitter.pending()).toBe('');
  });
});

describe('sanitizeLine', () => {
  test('drops cursor movement and control characters, keeps tabs', () => {
    expect(sanitizeLine('\u001b[2K\u001b[1Gdone\u0007\tok\b', false)).toBe('done\tok');
  });
  test('without colour every escape goes; with colour SGR stays and is reset at the end', () => {
    expect(sanitizeLine('\u001b[32mgreen\u001b[0m plain', false)).toBe('green plain');
    expect(sanitizeLine('\u001b[32mgreen\u001b[0m\u001b[K plain', true)).toBe('\u001b[32mgreen\u001b[0m plain\u001b[0m');
    expect(sanitizeLine('no colour', true)).toBe('no colour');
  });
  test('removes OSC sequences such as hyperlinks and window titles', () => {
    expect(sanitizeLine('\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007', true)).toBe('link');
    expect(stripTerminalCodes('\u001b]0;title\u001b\\text')).toBe('text');
  });
});

describe('width', () => {
  test('counts wide characters as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🚀')).toBe(2);
  });
  test('truncateToWidth never exceeds the width', () => {
    expect(truncateToWidth('hello world', 20)).toBe('hello world');
    expect(truncateToWidth('hello world', 8)).toBe('hello w…');
    expect(truncateToWidth('日本語テキスト', 7)).toBe('日本語…');
    expect(displayWidth(truncateToWidth('日本語テキスト', 7))).toBeLessThanOrEqual(7);
    expect(truncateToWidth('hello', 3, '.')).toBe('he.');
    expect(truncateToWidth('hello', 0)).toBe('');
  });
});

describe('createTailBuffer', () => {
  test('keeps the last lines as plain text, including a last unfinished line', () => {
    const tail = createTailBuffer(3);
    expect(tail.text()).toBe('');
    tail.push('1\n2\n3\n');
    tail.push('4\n\u001b[31m5\u001b[0m\n6');
    expect(tail.text()).toBe('4\n5\n6\n');
  });
  test('cuts very long lines', () => {
    const tail = createTailBuffer(2, 10);
    tail.push(`${'a'.repeat(50)}\n`);
    expect(tail.text()).toBe(`${'a'.repeat(10)}…\n`);
  });
});
