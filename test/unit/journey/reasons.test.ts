import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import type { Journey } from '../../../src/journey/model.ts';
import { conditionChoicePoints, describeCondition, skipReason } from '../../../src/journey/reasons.ts';
import { describePattern, validateInput } from '../../../src/play/inputs.ts';

let journey: Journey;
beforeAll(async () => {
  journey = await loadJourney(join(import.meta.dirname, '..', '..', '..', 'chapters'));
});
const when = (source: string, because?: string) => ({ source, loc: { file: 'x.md', line: 1 }, ...(because ? { because } : {}) });

describe('conditions in words', () => {
  test.each([
    ['choices["setup/domain"] == "real"', 'you chose "A real domain I control" at "Setup: A Name for Hero"'],
    ["choices['setup/domain'] != 'nip'", 'you did not choose "A nip.io name" at "Setup: A Name for Hero"'],
    ['choices["db"] == "crossplane-local" || choices["db"] == "crossplane-cloud"', 'you chose "Crossplane composition, in the cluster" or "Crossplane composition, in a cloud" at "Set Up a PostgreSQL Database in Dev"'],
    ['choices["define-app"] == "helm" || choices["db"] == "helm"', 'you chose "Helm" at "Define and Deploy the App to Dev" or you chose "Helm chart (CloudNativePG)" at "Set Up a PostgreSQL Database in Dev"'],
    ['choices["db"] in ["helm", "crossplane-local"]', 'you chose "Helm chart (CloudNativePG)" or "Crossplane composition, in the cluster" at "Set Up a PostgreSQL Database in Dev"'],
    ['vars.DOMAIN != ""', 'DOMAIN is set'],
    ['vars["REALM"] == "sea" && choices["registry"] == "harbor"', 'REALM is "sea" and you chose "Harbor" at "Store the Container Image in a Registry"'],
  ])('%s', (source, words) => {
    expect(describeCondition(journey, when(source))).toBe(words);
    expect(skipReason(journey, when(source))).toBe(`it applies only when ${words}`);
  });

  test('the author\'s because wins; an expression too intricate for words is never shown raw', () => {
    expect(skipReason(journey, when('choices["setup/domain"] == "real"', 'nip.io names need no DNS records'))).toBe('nip.io names need no DNS records');
    const intricate = when('size(vars.DOMAIN) > 3 && (choices["db"] == "helm" || vars.X == "y")');
    expect(skipReason(journey, intricate)).toBe('it does not apply to the choices you made');
    expect(skipReason(journey, intricate)).not.toContain('choices[');
  });

  test('the choice points a condition waits for', () => {
    expect(conditionChoicePoints('choices["db"] == "helm" || choices[\'define-app\'] == "helm" || choices["db"] == "x"')).toEqual(['db', 'define-app']);
  });
});

describe('answers that do not fit', () => {
  test.each([
    ['[a-z0-9]{4,30}', '4 to 30 characters (lowercase letters or digits)'],
    ['[0-9]+', 'one or more characters (digits)'],
    ['[a-z]([a-z0-9-]*[a-z0-9])?', undefined],
  ])('%s', (pattern, words) => {
    expect(describePattern(pattern)).toBe(words);
  });

  test('say what is wanted, in the author\'s words when given, never the pattern', () => {
    expect(validateInput({ name: 'ID', validate: 'regex:[a-z0-9]{4,30}' }, 'AB')).toBe('"AB" does not fit: it must be 4 to 30 characters (lowercase letters or digits)');
    expect(validateInput({ name: 'ID', validate: 'regex:[a-z]([a-z0-9-]*[a-z0-9])?' }, 'A')).toBe('"A" is not in the form this answer needs');
    expect(validateInput({ name: 'ID', validate: 'regex:[a-z0-9]{4,30}', message: 'Your Docker Hub user name: 4 to 30 lowercase letters or digits.' }, 'AB')).toBe(
      'Your Docker Hub user name: 4 to 30 lowercase letters or digits.',
    );
  });
});
