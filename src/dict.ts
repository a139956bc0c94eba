/**
 * A record for names that users pick (variables, inputs, choice points, answers): it has no
 * prototype, so `constructor`, `toString`, `valueOf` and `__proto__` are keys like any other,
 * never inherited methods or the object's prototype. Later sources win.
 */
export function dict<T>(...sources: ReadonlyArray<Readonly<Record<string, T>> | undefined>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const source of sources) {
    if (!source) continue;
    // Own keys only, and assignment onto a prototype-less object never reaches a setter.
    for (const key of Object.keys(source)) out[key] = source[key]!;
  }
  return out;
}
