import { describe, expect, test } from 'vitest';
import {
  formatDateTime,
  collapseBlankLines,
  expandTabs,
  hyperlink,
  safeText,
  stripAnsi,
  visibleWidth,
  wrapLines,
  wrapText,
} from '../../../src/render/text.ts';
import { sanitize } from '../../../src/render/sanitize.ts';

test('visibleWidth ignores colours and links, counts wide characters twice', () => {
  expect(visibleWidth('\u001B[1mbold\u001B[22m')).toBe(4);
  expect(visibleWidth(hyperlink('click', 'https://example.com/a+b(c)'))).toBe(5);
  expect(visibleWidth('日本')).toBe(4);
  expect(stripAnsi(hyperlink('click', 'https://example.com/a+b(c)'))).toBe('click');
});

test('wrapText keeps long words whole unless told to break them', () => {
  expect(wrapText('aaa bbb ccc', 7)).toBe('aaa bbb\nccc');
  expect(wrapText('see https://example.com/a/very/long/path', 10)).toBe('see\nhttps://example.com/a/very/long/path');
  expect(wrapText('abcdefghij', 4, { hard: true })).toBe('abcd\nefgh\nij');
});

test('wrapText carries links and styles over line breaks', () => {
  const out = wrapText(hyperlink('one two three', 'https://example.com'), 8);
  const lines = out.split('\n');
  expect(lines).toHaveLength(2);
  for (const line of lines) expect(line).toContain('\u001B]8;;https://example.com');
});

test('wrapLines keeps each line’s indentation', () => {
  expect(wrapLines('  aaa bbb ccc\nddd', 11)).toBe('  aaa bbb\n  ccc\nddd');
});

test('sanitize and safeText drop what could drive the terminal', () => {
  expect(sanitize('a\u001B[2Jb\u0007c\u009Bd\te\nf')).toBe('a[2Jbcd\te\nf');
  expect(safeText('\u001B[31mred\u001B[39m \u001B[2J\u001B]0;title\u0007x', true)).toBe('\u001B[31mred\u001B[39m x');
  expect(safeText('\u001B[31mred\u001B[39m', false)).toBe('red');
});

test('collapseBlankLines and expandTabs', () => {
  expect(collapseBlankLines('a\n\n\n \n\u001B[0m\nb  \n')).toBe('a\n\nb\n');
  expect(expandTabs('a\tb\n\tc')).toBe('a   b\n    c');
});

describe('wrapLines and list items', () => {
  test('continuation lines of a bullet or numbered item line up under its text', () => {
    const text = '• helm is not on your PATH (installs Traefik and cert-manager)\n  Fix: install helm\n12. a numbered item that is long enough to wrap';
    expect(wrapLines(text, 30).split('\n')).toEqual([
      '• helm is not on your PATH',
      '  (installs Traefik and',
      '  cert-manager)',
      '  Fix: install helm',
      '12. a numbered item that is',
      '    long enough to wrap',
    ]);
  });
  test('a dash that starts a word is not a bullet', () => {
    expect(wrapLines('--force overwrites files that exist already', 20).split('\n')).toEqual(['--force overwrites', 'files that exist', 'already']);
  });
});

describe('formatDateTime', () => {
  test('one format for every date a learner reads: local time, to the minute', () => {
    expect(formatDateTime(new Date(2026, 11, 6, 14, 5, 59))).toBe('2026-12-06 14:05');
    expect(formatDateTime(new Date(2026, 0, 2, 3, 4).toISOString())).toBe('2026-01-02 03:04');
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});
