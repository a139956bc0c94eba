import { describe, expect, test } from 'vitest';
import { inferScenario, markedSteps, readScenarioIndex } from '../../../src/journey/killercoda.ts';
import { assembleJourney } from '../../../src/journey/load.ts';

const index = (details: unknown) => JSON.stringify({ title: 'T', details });

function scenario(details: unknown, files: Record<string, string>) {
  const inferred = inferScenario('my scenario', readScenarioIndex(index(details)), new Map(Object.entries(files)));
  const { journey, problems } = assembleJourney(inferred.journeyFile, inferred.chapters, { checkModules: new Set() }, '/tmp/s');
  return { journey, problems, lines: inferred.inferences.map((i) => `${i.loc.file}:${i.loc.line} ${i.message}`) };
}

describe('a Killercoda scenario', () => {
  test('chapters intro, step1.., finish in order, titles from index.json, each leading to the next', () => {
    const { journey, problems } = scenario(
      { intro: { text: 'intro.md' }, steps: [{ title: 'First', text: 's1.md' }, { title: 'Second', text: 's2.md' }], finish: { text: 'finish.md' } },
      { 'intro.md': '# Hi\n', 's1.md': '# One\n', 's2.md': 'two\n', 'finish.md': '# Bye\n' },
    );
    expect(problems).toEqual([]);
    expect(journey).toMatchObject({ id: 'my-scenario', title: 'T', start: 'intro', oneTerminal: true });
    expect([...journey.chapters.values()].map((chapter) => [chapter.id, chapter.title, chapter.next.map((rule) => rule.goto)])).toEqual([
      ['intro', 'Hi', ['step1']],
      ['step1', 'First', ['step2']],
      ['step2', 'Second', ['finish']],
      ['finish', 'Bye', []],
    ]);
  });

  test('only what is marked {{exec}} runs: blocks and inline code; {{copy}} and unmarked shell blocks are shown', () => {
    const page = '# P\n\nRun `ls -l`{{exec}} and `pwd`{{execute T1}}, copy `x`{{copy}}.\n\n```plain\necho one\n```{{exec}}\n\n```bash\necho never\n```\n\n```\nkey: value\n```{{copy}}\n';
    const { journey, problems, lines } = scenario({ steps: [{ text: 'p.md', verify: 'v.sh', background: 'bg.sh' }] }, { 'p.md': page, 'v.sh': 'test -f done\n', 'bg.sh': 'echo prepare\n' });
    expect(problems).toEqual([]);
    const steps = journey.chapters.get('step1')!.steps;
    expect(steps.map((step) => [step.code, step.title, `${step.loc.file}:${step.loc.line}`])).toEqual([
      ['echo prepare', 'Prepare: bg.sh', 'bg.sh:1'],
      ['ls -l', undefined, 'p.md:3'],
      ['pwd', undefined, 'p.md:3'],
      ['echo one', undefined, 'p.md:5'],
      ['test -f done', 'Verify: v.sh', 'v.sh:1'],
    ]);
    expect(journey.chapters.get('step1')!.checks).toEqual([]);
    expect(lines).toContain('v.sh:1 the verify script of step1 is its last step (a script cannot be proved read-only, so it is never a check)');
    // The page still reads as written, without the markers.
    const text = markedSteps(page, { id: 'step1', prepare: [] }, new Map()).text;
    expect(text).toContain('Run `ls -l` and `pwd`, copy `x`.');
    expect(text).toContain('```bash norun\necho never\n```');
    expect(text).not.toContain('{{');
  });

  test('a broken index.json, a file outside the folder and a missing page are errors on index.json', () => {
    expect(readScenarioIndex('{').problems[0]?.message).toMatch(/^index.json is not valid JSON/);
    expect(readScenarioIndex('{"details":{}}').problems[0]?.message).toContain('no `details.steps` list');
    const { problems } = scenario({ steps: [{ text: '../../etc/passwd' }, { text: 'gone.md', verify: '/bin/sh' }] }, {});
    expect(problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.loc.file}: ${problem.message}`)).toEqual([
      'index.json: step 1: `../../etc/passwd` is outside the scenario folder: a scenario may only use its own files',
      'index.json: step 2: `/bin/sh` is outside the scenario folder: a scenario may only use its own files',
      '`gone.md`, named by step2 in index.json, does not exist',
    ].map((message) => (message.startsWith('index.json') ? message : `index.json: ${message}`)));
  });
});
