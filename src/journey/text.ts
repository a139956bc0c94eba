/** Small text helpers shared by the journey parser and linter. */

/** Edit distance between two strings, counting a swap of neighbours as one edit, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The closest candidate to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** ` — did you mean `x`?` when a close candidate exists, else an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const guess = closest(word, candidates);
  return guess === undefined ? '' : ` — did you mean \`${guess}\`?`;
}

const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/**
 * Seconds from `90`, `90s`, `1.5m`, `2h` or `500ms`; undefined when the text is not a duration.
 * A bare number means seconds.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const match = durationPattern.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] ?? 's'] ?? 1;
  const seconds = value * factor;
  return seconds > 0 ? seconds : undefined;
}

/** `1 problem`, `3 problems`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Names a shell variable may have. */
export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Ids of choices, steps, checks and phases: letters, digits, `-`, `_`, `.`. */
export const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
