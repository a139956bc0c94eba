import type { InputSpec } from '../journey/model.ts';
import { patternMatches } from '../journey/regex.ts';

/** Replace `${NAME}` with the variable's value; unknown names stay as they are. */
export function interpolate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The names a template refers to as `${NAME}`, in order (for saying which are not set). */
export function templateNames(template: string): string[] {
  return [...template.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
}

const HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Check a value against an input's `validate` rule: true, or a sentence saying what is wrong (never quoting a secret). */
export function validateInput(spec: Pick<InputSpec, 'validate' | 'name' | 'message'> & { secret?: boolean }, value: string): string | true {
  if (value.trim() === '') return `${spec.name} cannot be empty`;
  const rule = spec.validate;
  if (!rule) return true;
  const verdict = ruleVerdict(rule, value);
  if (verdict === true) return true;
  // The author's words say what is wanted better than any pattern.
  if (spec.message) return spec.message;
  if (!spec.secret) return verdict;
  // A secret that failed validation stays secret: the message says what is wrong, not what was typed.
  return verdict.replaceAll(`"${value}"`, `the value of ${spec.name}`);
}

function ruleVerdict(rule: string, value: string): string | true {
  if (rule === 'hostname') {
    if (!HOSTNAME.test(value)) return `"${value}" is not a valid host name (letters, digits, dashes and dots, like hero.example.com)`;
    // Kubernetes (Ingress hosts, certificates) takes host names in lower case only.
    return value === value.toLowerCase() ? true : `"${value}" has capital letters: write host names in lower case, like ${value.toLowerCase()}`;
  }
  if (rule === 'email') return EMAIL.test(value) ? true : `"${value}" is not an email address (like you@example.com)`;
  if (rule === 'url') {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? true : `"${value}" must start with http:// or https://`;
    } catch {
      return `"${value}" is not a URL (like https://example.com)`;
    }
  }
  if (rule.startsWith('regex:')) {
    const pattern = rule.slice('regex:'.length);
    if (patternMatches(pattern, value, true)) return true;
    const form = describePattern(pattern);
    return form ? `"${value}" does not fit: it must be ${form}` : `"${value}" is not in the form this answer needs`;
  }
  return true;
}

const CLASS_WORDS: Array<[RegExp, string]> = [
  [/^a-z$/, 'lowercase letters'],
  [/^A-Z$/, 'capital letters'],
  [/^0-9$|^\\d$/, 'digits'],
  [/^A-Za-z$|^a-zA-Z$/, 'letters'],
  [/^_$/, 'underscores'],
  [/^-$|^\\-$/, 'dashes'],
  [/^\\.$|^\.$/, 'dots'],
  [/^ $/, 'spaces'],
];

/**
 * `[a-z0-9]{4,30}` → `4 to 30 characters: lowercase letters and digits`; undefined for a pattern
 * too intricate to say in words. Covers patterns made of character classes with counts.
 */
export function describePattern(pattern: string): string | undefined {
  const pieces = [...pattern.matchAll(/\[([^\]]+)\](?:\{(\d+)(?:,(\d*))?\}|([*+?]))?/g)];
  if (pieces.length === 0 || pieces.map((p) => p[0]).join('') !== pattern) return undefined;
  const parts: string[] = [];
  for (const piece of pieces) {
    const words = classWords(piece[1]!);
    if (!words) return undefined;
    const [min, max] = piece[4] === '*' ? [0, Infinity] : piece[4] === '+' ? [1, Infinity] : piece[4] === '?' ? [0, 1] : piece[2] ? [Number(piece[2]), piece[3] === undefined ? Number(piece[2]) : piece[3] === '' ? Infinity : Number(piece[3])] : [1, 1];
    const count =
      min === 1 && max === 1 ? 'one character' : min === max ? `${min} characters` : max === Infinity ? (min === 0 ? 'any number of characters' : min === 1 ? 'one or more characters' : `at least ${min} characters`) : min === 0 && max === 1 ? 'an optional character' : `${min} to ${max} characters`;
    parts.push(`${count} (${words})`);
  }
  return parts.join(', then ');
}

function classWords(body: string): string | undefined {
  const found: string[] = [];
  let rest = body;
  for (const token of ['A-Za-z', 'a-zA-Z', 'a-z', 'A-Z', '0-9', '\\d', '_', '\\-', '-', '\\.', '.', ' ']) {
    if (!rest.includes(token)) continue;
    rest = rest.replace(token, '');
    const words = CLASS_WORDS.find(([re]) => re.test(token))?.[1];
    if (words && !found.includes(words)) found.push(words);
  }
  if (rest.length > 0 || found.length === 0) return undefined;
  return found.length === 1 ? found[0]! : `${found.slice(0, -1).join(', ')} or ${found.at(-1)}`;
}
