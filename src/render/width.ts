// Columns a string takes on screen, as string-width counts them, without paying for string-width
// where it is not needed: importing it builds an Intl.Segmenter and its first use loads ICU's
// grapheme rules, together about a tenth of a second at startup. Text in which every character is
// a grapheme of its own (Latin, Greek, Cyrillic, CJK, box drawing, ✔ and →; no combining marks,
// emoji, joiners or Hangul jamo) is measured here with the same East Asian Width table; anything
// else goes to string-width itself, loaded on first need. The build gives this module to the
// bundled wrap-ansi and boxen in place of string-width (scripts/bundle-libs.ts).
import { createRequire } from 'node:module';
import { eastAsianWidth } from 'get-east-asian-width';
import stripAnsi from 'strip-ansi';

export interface WidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

/**
 * Characters that are always a grapheme cluster of their own and never an emoji: outside this
 * class are combining and spacing marks and other extenders, joiners, variation selectors, format
 * characters, emoji shown as emoji, emoji modifiers, regional indicators, Hangul jamo, the few
 * prepended and spacing letters (U+0D4E, U+0E33, U+0EB3), surrogates and every astral character.
 * Controls (C0, C1) are their own clusters and take no column.
 */
const OWN_CLUSTERS =
  /^[^\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\p{Cs}\p{Emoji_Presentation}\p{Emoji_Modifier}\p{Regional_Indicator}\p{Grapheme_Extend}\u0D4E\u0E33\u0EB3\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u{10000}-\u{10FFFF}]*$/u;
const CONTROL = /\p{Cc}/u;

let full: ((text: string, options?: WidthOptions) => number) | undefined;

/** One grapheme cluster of a text, as Intl.Segmenter's segments give it. */
export interface Grapheme {
  segment: string;
  index: number;
  input: string;
}

/**
 * The grapheme clusters of `text` as Intl.Segmenter (granularity `grapheme`) gives them, when every
 * character of it is a cluster of its own (and no CR stands before a LF, which join); otherwise
 * undefined, and the segmenter has to be asked. Spares loading ICU's grapheme rules (some 15 ms)
 * for box drawing, quotes, ✔ and the like. Iterable, with `containing(index)`, like the segmenter's.
 */
export function ownGraphemes(text: string): (Iterable<Grapheme> & { containing(index?: number): Grapheme | undefined }) | undefined {
  if (text.includes('\r\n') || !OWN_CLUSTERS.test(text)) return undefined;
  const at = (index: number): Grapheme => ({ segment: text[index]!, index, input: text });
  return {
    containing(index = 0) {
      const position = Math.trunc(Number(index)) || 0;
      return position >= 0 && position < text.length ? at(position) : undefined;
    },
    *[Symbol.iterator]() {
      for (let index = 0; index < text.length; index++) yield at(index);
    },
  };
}

/** Columns `input` takes on screen: string-width's answer, with its options. */
export default function stringWidth(input: string, options: WidthOptions = {}): number {
  if (typeof input !== 'string' || input.length === 0) return 0;
  const text = !options.countAnsiEscapeCodes && (input.includes('\u001B') || input.includes('\u009B')) ? stripAnsi(input) : input;
  if (/^[\u0020-\u007E]*$/.test(text)) return text.length;
  if (OWN_CLUSTERS.test(text)) {
    const wide = { ambiguousAsWide: options.ambiguousIsNarrow === false };
    let width = 0;
    for (const character of text) if (!CONTROL.test(character)) width += eastAsianWidth(character.codePointAt(0)!, wide);
    return width;
  }
  full ??= (createRequire(import.meta.url)('string-width') as { default: (text: string, options?: WidthOptions) => number }).default;
  return full(input, options);
}
