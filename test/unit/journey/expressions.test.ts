import { describe, expect, it } from 'vitest';
import {
  checkExpression,
  conditionContext,
  evaluateCondition,
  evaluateExpression,
  expressionReferences,
} from '../../../src/journey/expressions.ts';
import type { Chapter, Expression } from '../../../src/journey/model.ts';

const expr = (source: string): Expression => ({ source, loc: { file: 'x.md', line: 3 } });
const ctx = {
  choices: { 'build-image': 'kbld', https: '' },
  vars: { DOMAIN_MODE: 'nip', EMPTY: '' },
};

describe('evaluateCondition', () => {
  it.each([
    ['choices["build-image"] == "kbld"', { value: true }],
    ["choices['build-image'] != 'kbld'", { value: false }],
    ['choices["https"] == ""', { value: true }],
    ['vars.DOMAIN_MODE == "nip"', { value: true }],
    ['vars["DOMAIN_MODE"] == "nip" && choices["https"] == ""', { value: true }],
    ['vars.EMPTY == ""', { value: true }],
    ['"MISSING" in vars', { value: false }],
    ['has(vars.MISSING)', { value: false }],
    ['vars.DOMAIN_MODE.startsWith("n")', { value: true }],
    ['choices["build-image"] in ["kbld", "pack"]', { value: true }],
    ['vars.MISSING == "x"', { error: 'variable MISSING is not set' }],
    ['vars["MISSING"] == "x"', { error: 'variable MISSING is not set' }],
    ['choices["nope"] == "x"', { error: '`nope` is not a choice point of this journey' }],
    ['vars.DOMAIN_MODE', { error: '`vars.DOMAIN_MODE` gives the text "nip", not true or false' }],
    ['1 + 1', { error: '`1 + 1` gives the number 2, not true or false' }],
    ['vars.DOMAIN_MODE ==', { error: 'Unexpected token: EOF (at character 20)' }],
  ])('%s', (source, expected) => {
    expect(evaluateCondition(expr(source), ctx)).toEqual(expected);
  });

  it('never runs JavaScript', () => {
    const result = evaluateCondition(expr('process.exit(1)'), ctx);
    expect(result).toHaveProperty('error');
  });
});

describe('checkExpression', () => {
  it.each([
    ['vars.A == "b"', undefined],
    ['choices["x"] == "y" || vars.A != ""', undefined],
    ['vars.A ==', 'Unexpected token: EOF (at character 10)'],
    ['', 'the expression is empty'],
    ['foo == 1', 'Unknown variable: foo (at character 1)'],
    ['vars.A == 1', 'no such overload: string == int (at character 1)'],
    ['vars.A', 'the expression gives a string, not true or false'],
    ['object.kind == "Pod"', 'Unknown variable: object (at character 1)'],
  ])('%s', (source, expected) => {
    expect(checkExpression(source)).toBe(expected);
  });

  it('lets check expressions see the object', () => {
    expect(checkExpression('object.spec.replicas >= 2', 'object')).toBeUndefined();
    expect(evaluateExpression(expr('object.spec.replicas >= 2'), { object: { spec: { replicas: 3 } }, vars: {}, choices: {} }, 'object')).toEqual({
      value: true,
    });
  });
});

describe('expressionReferences', () => {
  it('finds choice points, compared choices and variables', () => {
    expect(
      expressionReferences('choices["https"] == "cert-manager" && "kbld" == choices.build && choices["app"] in ["helm", "ytt"] && vars.DOMAIN != "" && vars["B"] == ""'),
    ).toEqual({
      choices: [
        { chapter: 'https', values: ['cert-manager'] },
        { chapter: 'build', values: ['kbld'] },
        { chapter: 'app', values: ['helm', 'ytt'] },
      ],
      vars: ['DOMAIN', 'B'],
    });
  });

  it('is undefined when the expression does not parse', () => {
    expect(expressionReferences('vars.A ==')).toBeUndefined();
  });
});

describe('conditionContext', () => {
  it('lists every choice point, not chosen yet as "", and overlays variables on the journey defaults', () => {
    const chapter = (id: string, choices: number): Chapter =>
      ({ id, choices: Array.from({ length: choices }, (_, i) => ({ id: `c${i}` })) }) as unknown as Chapter;
    const journey = {
      chapters: new Map([
        ['a', chapter('a', 2)],
        ['b', chapter('b', 0)],
        ['c', chapter('c', 2)],
      ]),
      vars: { REALM: 'kingdom', OTHER: 'x' },
    };
    expect(conditionContext(journey, { c: 'c1', gone: 'x' }, { REALM: 'sea' })).toEqual({
      choices: { a: '', c: 'c1' },
      vars: { REALM: 'sea', OTHER: 'x' },
    });
  });
});
