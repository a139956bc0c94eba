import { describe, expect, test } from 'vitest';
import { interpolate, validateInput } from '../../../src/play/inputs.ts';

describe('interpolate', () => {
  test.each([
    ['hero.${DOMAIN}', { DOMAIN: 'example.com' }, 'hero.example.com'],
    ['${A}-${B}', { A: '1' }, '1-${B}'],
    ['plain', {}, 'plain'],
  ])('%s', (template, vars, expected) => expect(interpolate(template, vars)).toBe(expected));
});

describe('validateInput', () => {
  const check = (validate: string | undefined, value: string) => validateInput({ name: 'X', ...(validate ? { validate } : {}) }, value);
  test.each([
    ['hostname', 'hero.example.com', true],
    ['hostname', '10.0.0.1.nip.io', true],
    ['hostname', 'bad_host!', false],
    ['hostname', '-leading.example.com', false],
    ['hostname', 'Hero.Example.com', false],
    ['email', 'you@example.com', true],
    ['email', 'you@', false],
    ['url', 'https://example.com/x', true],
    ['url', 'ftp://example.com', false],
    ['url', 'not a url', false],
    ['regex:[a-z]+', 'hero', true],
    ['regex:[a-z]+', 'Hero', false],
    [undefined, 'anything', true],
    [undefined, '   ', false],
  ])('%s accepts %j: %s', (rule, value, ok) => {
    const verdict = check(rule, value);
    if (ok) expect(verdict).toBe(true);
    else expect(verdict).toEqual(expect.any(String));
  });

  test('a host name in capitals is refused with the lower-case one to type instead', () => {
    expect(check('hostname', 'Hero.Example.com')).toBe('"Hero.Example.com" has capital letters: write host names in lower case, like hero.example.com');
  });
});
