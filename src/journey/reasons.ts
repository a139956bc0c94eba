import type { Expression, Journey } from './model.ts';

/*
 * Conditions in the learner's words. A `when` is CEL for the journey and for authors; a learner
 * reads "you chose "Real domain" at "Your domain"", or the author's own `because`. Pure.
 */

/** Why something with this `when` applies, as a clause: `you chose "Real domain" at "Your domain"`. */
export function describeCondition(journey: Journey, when: Expression): string {
  return readable(journey, when.source) ?? 'the choices you make call for it';
}

/**
 * Why it was skipped, for a notice: the author's `because`, else `it applies only when you chose …`.
 * Never raw CEL.
 */
export function skipReason(journey: Journey, when: Expression): string {
  if (when.because) return when.because;
  const clause = readable(journey, when.source);
  return clause ? `it applies only when ${clause}` : 'it does not apply to the choices you made';
}

/** The choice points a condition depends on, in the order it names them. */
export function conditionChoicePoints(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/choices\s*\[\s*(["'])([^"']+)\1\s*\]/g)) if (!found.includes(m[2]!)) found.push(m[2]!);
  return found;
}

/** A readable clause for `source`, or undefined when it is too intricate to say well. */
function readable(journey: Journey, source: string): string | undefined {
  const text = source.trim();
  if (/[()]/.test(text.replace(/^\((.*)\)$/s, '$1'))) return undefined;
  const inner = text.replace(/^\((.*)\)$/s, '$1');
  for (const [operator, word] of [
    ['||', 'or'],
    ['&&', 'and'],
  ] as const) {
    if (!inner.includes(operator)) continue;
    if (operator === '||' && inner.includes('&&')) return undefined;
    const parts = inner.split(operator).map((part) => readable(journey, part));
    if (parts.some((p) => p === undefined)) return undefined;
    return mergeSameChoice(parts as string[], word);
  }
  return atom(journey, inner);
}

function atom(journey: Journey, text: string): string | undefined {
  const chapterTitle = (id: string) => `"${journey.chapters.get(id)?.title ?? id}"`;
  const optionLabel = (point: string, option: string) => `"${journey.chapters.get(point)?.choices.find((c) => c.id === option)?.label ?? option}"`;
  let m = new RegExp(String.raw`^choices\s*\[\s*(["'])([^"']+)\1\s*\]\s*(==|!=)\s*(["'])([^"']*)\4$`).exec(text);
  if (m) {
    const [, , point, op, , option] = m;
    return op === '==' ? `you chose ${optionLabel(point!, option!)} at ${chapterTitle(point!)}` : `you did not choose ${optionLabel(point!, option!)} at ${chapterTitle(point!)}`;
  }
  m = new RegExp(String.raw`^choices\s*\[\s*(["'])([^"']+)\1\s*\]\s+in\s+\[([^\]]*)\]$`).exec(text);
  if (m) {
    const point = m[2]!;
    const options = [...m[3]!.matchAll(/(["'])([^"']*)\1/g)].map((o) => optionLabel(point, o[2]!));
    if (options.length === 0) return undefined;
    return `you chose ${joinWords(options, 'or')} at ${chapterTitle(point)}`;
  }
  m = /^vars\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*(["'])([A-Za-z_]\w*)\2\s*\])\s*(==|!=)\s*(["'])([^"']*)\5$/.exec(text);
  if (m) {
    const name = m[1] ?? m[3]!;
    const op = m[4];
    const value = m[6]!;
    if (value === '') return op === '==' ? `${name} is empty` : `${name} is set`;
    return op === '==' ? `${name} is "${value}"` : `${name} is not "${value}"`;
  }
  return undefined;
}

/** `you chose "A" at "X" or you chose "B" at "X"` -> `you chose "A" or "B" at "X"`. */
function mergeSameChoice(parts: string[], word: 'or' | 'and'): string {
  const shape = /^you chose (.+) at ("[^"]+")$/;
  const matches = parts.map((p) => shape.exec(p));
  const at = matches[0]?.[2];
  if (word === 'or' && matches.every((m) => m && m[2] === at)) return `you chose ${joinWords(matches.map((m) => m![1]!), 'or')} at ${at}`;
  return parts.join(` ${word} `);
}

function joinWords(words: string[], word: string): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${word} ${words.at(-1)}`;
}
