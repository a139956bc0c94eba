import type { InputSpec } from '../journey/model.ts';

/** Replace `${NAME}` with the variable's value; unknown names stay as they are. */
export function interpolate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => vars[name] ?? whole);
}

const HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Check a value against an input's `validate` rule: true, or a sentence saying what is wrong (never quoting a secret). */
export function validateInput(spec: Pick<InputSpec, 'validate' | 'name'> & { secret?: boolean }, value: string): string | true {
  if (value.trim() === '') return `${spec.name} cannot be empty`;
  const rule = spec.validate;
  if (!rule) return true;
  const verdict = ruleVerdict(rule, value);
  if (verdict === true || !spec.secret) return verdict;
  // A secret that failed validation stays secret: the message says what is wrong, not what was typed.
  return verdict.replaceAll(`"${value}"`, `the value of ${spec.name}`);
}

function ruleVerdict(rule: string, value: string): string | true {
  if (rule === 'hostname') return HOSTNAME.test(value) ? true : `"${value}" is not a valid host name (letters, digits, dashes and dots, like hero.example.com)`;
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
    return new RegExp(`^(?:${pattern})$`, 'u').test(value) ? true : `"${value}" does not match the expected form ${pattern}`;
  }
  return true;
}
