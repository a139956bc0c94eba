// hero-journey measures text without string-width where every character is its own grapheme; the
// answer must be string-width's, character by character and in any mix, with and without styles.
import realStringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import stringWidth, { ownGraphemes } from '../../../src/render/width.ts';

/** Every code point of the Basic Multilingual Plane, and a sample of the astral planes (emoji, CJK, tags). */
const codePoints = [
  ...Array.from({ length: 0x10000 }, (_, cp) => cp).filter((cp) => cp < 0xd800 || cp > 0xdfff),
  ...[0x1f600, 0x1f44d, 0x1f3fb, 0x1f1e9, 0x20000, 0x2a6d6, 0xe0001, 0xe0041, 0x1d400, 0x10ffff],
];

/** A fixed pseudo-random sequence, so a failure names the same strings on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('stringWidth', () => {
  test('agrees with string-width on every character alone', () => {
    const differ = codePoints.map((cp) => String.fromCodePoint(cp)).filter((s) => stringWidth(s) !== realStringWidth(s) || stringWidth(s, { ambiguousIsNarrow: false }) !== realStringWidth(s, { ambiguousIsNarrow: false }));
    expect(differ.map((s) => s.codePointAt(0)!.toString(16))).toEqual([]);
  });

  test('agrees with string-width on mixes that join characters into one grapheme, or not', () => {
    const next = random(15);
    // Marks, joiners, selectors, jamo and emoji pieces beside letters, CJK and symbols.
    const pieces = ['a', 'é', 'e\u0301', '\u0301', '\u200d', '\ufe0f', '\u20e3', '1', '✔', '→', '日', '한', '\u1100', '\u1161', '\u11a8', '\u0e33', 'ก', '\u0d4e', 'ക', '👍', '🏻', '🇩', '🇪', '\u00ad', '\t', '\u001b[1m', '\u001b[0m', '\u001b]8;;https://x\u0007', 'ﾊ', 'ﾞ', '\u0600', '٣', ' ', '—', '…'];
    const strings = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => pieces[Math.floor(next() * pieces.length)]).join(''));
    for (const countAnsiEscapeCodes of [false, true]) {
      const differ = strings.filter((s) => stringWidth(s, { countAnsiEscapeCodes }) !== realStringWidth(s, { countAnsiEscapeCodes }));
      expect(differ.map((s) => JSON.stringify(s))).toEqual([]);
    }
  });

  test('measures plain, styled and empty text', () => {
    expect(stringWidth('✔ Hero’s namespace → 日本')).toBe(25);
    expect(stringWidth('\u001b[32m✔\u001b[39m done')).toBe(6);
    expect(stringWidth('')).toBe(0);
  });
});

describe('ownGraphemes', () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const key = (g: { segment: string; index: number } | undefined) => (g ? `${g.index}:${g.segment}` : '-');
  /** Where ownGraphemes answers, its segments and containing() are exactly Intl.Segmenter's; 'differs', 'agrees' or 'no answer'. */
  function compare(text: string): 'differs' | 'agrees' | 'no answer' {
    const own = ownGraphemes(text);
    if (!own) return 'no answer';
    const real = segmenter.segment(text);
    if ([...own].map(key).join(' ') !== [...real].map(key).join(' ')) return 'differs';
    if ([...own].some((g) => g.input !== text)) return 'differs';
    for (let index = -1; index <= text.length; index++) if (key(own.containing(index)) !== key(real.containing(index))) return 'differs';
    return 'agrees';
  }

  test('agrees with Intl.Segmenter on every character, alone and beside others', () => {
    const differ: string[] = [];
    let answered = 0;
    for (const cp of codePoints) {
      const c = String.fromCodePoint(cp);
      for (const text of [c, `a${c}`, `${c}${c}`, `\r${c}`, `${c}\n`, `\u001b[1m${c}`]) {
        const verdict = compare(text);
        if (verdict === 'differs') differ.push(JSON.stringify(text));
        if (verdict === 'agrees') answered++;
      }
    }
    expect(differ).toEqual([]);
    // It answers for most of them (else it would spare nothing).
    expect(answered).toBeGreaterThan(codePoints.length * 4);
  }, 120_000);

  test('agrees with Intl.Segmenter on mixes that join characters into one grapheme, or not', () => {
    const next = random(29);
    const pieces = ['a', 'é', 'e\u0301', '\u0301', '\u200d', '\ufe0f', '1', '✔', '─', '╭', 'ℹ', '日', '한', '\u1100', '\u1161', '\u11a8', '\u0e33', 'ก', '\u0d4e', '👍', '🏻', '🇩', '\u00ad', '\r', '\n', '\r\n', '\t', '\u001b[1m', '\u0600', ' ', '—'];
    const strings = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => pieces[Math.floor(next() * pieces.length)]).join(''));
    expect(strings.filter((text) => compare(text) === 'differs').map((text) => JSON.stringify(text))).toEqual([]);
  });

  test('answers for box drawing, quotes and marks, and leaves joining text to the segmenter', () => {
    expect(ownGraphemes('╭─ ℹ Hero’s Journey ─╮ ✔ → 日本')).toBeDefined();
    for (const joined of ['e\u0301', '👍🏻', '🇩🇪', '\u1100\u1161', 'line\r\nnext', 'a\u200db']) expect(ownGraphemes(joined), JSON.stringify(joined)).toBeUndefined();
  });
});
