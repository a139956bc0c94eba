import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conditionContext } from '../../../src/journey/expressions.ts';
import {
  chapterSkipReason,
  choicePoints,
  choiceState,
  ConditionError,
  enumeratePaths,
  isChapterActive,
  isEnding,
  reachable,
  resolveNext,
  skipTarget,
  successors,
  type JourneyPath,
} from '../../../src/journey/graph.ts';
import { loadJourney } from '../../../src/journey/load.ts';
import type { Journey } from '../../../src/journey/model.ts';

const questDir = join(import.meta.dirname, '../../fixtures/journeys/quest');

/** `a > b=choice > c(skipped) … [end]` */
function describePath(path: JourneyPath): string {
  const steps = path.steps.map((s) => `${s.chapter}${s.choice ? `=${s.choice}` : ''}${s.skipped ? '(skipped)' : ''}`);
  return `${steps.join(' > ')} [${path.end}]`;
}

describe('the quest graph', () => {
  let journey: Journey;
  const chapter = (id: string) => journey.chapters.get(id)!;
  beforeAll(async () => {
    journey = await loadJourney(questDir);
  });

  it('knows where each chapter leads', () => {
    expect(successors(chapter('path'))).toEqual(['path/forest', 'path/mountain', 'path/swamp', 'path/river']);
    expect(successors(chapter('castle/gate'))).toEqual(['castle/duel-sword', 'castle/duel-bow']);
    expect(successors(chapter('camp'))).toEqual(['castle/gate']);
    expect(successors(chapter('ending'))).toEqual([]);
    expect(isEnding(chapter('ending'))).toBe(true);
    expect(isEnding(chapter('path/swamp'))).toBe(false);
    expect(choicePoints(journey).map((c) => c.id)).toEqual(['gear', 'path']);
    expect(reachable(journey).size).toBe(journey.chapters.size);
  });

  it('enumerates every path with the choices that replay it', () => {
    const paths = enumeratePaths(journey);
    expect(paths.map(describePath)).toEqual([
      'start > path=forest > path/forest > gear=sword > gear/sword > camp(skipped) > castle/gate > castle/duel-sword > ending [ending]',
      'start > path=forest > path/forest > gear=bow > gear/bow > camp(skipped) > castle/gate > castle/duel-bow > ending [ending]',
      'start > path=mountain > path/mountain > gear=sword > gear/sword > camp > castle/gate > castle/duel-sword > ending [ending]',
      'start > path=mountain > path/mountain > gear=bow > gear/bow > camp > castle/gate > castle/duel-bow > ending [ending]',
      'start > path=swamp > path/swamp [dead-end]',
    ]);
    expect(paths[0]!.choices).toEqual({ path: 'forest', gear: 'sword' });
    expect(paths[4]!.choices).toEqual({ path: 'swamp' });
  });

  it('follows the disabled river when its variable is given', () => {
    const river = enumeratePaths(journey, { vars: { REALM: 'sea' } }).filter((p) => p.choices['path'] === 'river');
    expect(river.map(describePath)).toEqual([
      'start > path=river > path/river > gear=sword > gear/sword > camp(skipped) > castle/gate > castle/duel-sword > ending [ending]',
      'start > path=river > path/river > gear=bow > gear/bow > camp(skipped) > castle/gate > castle/duel-bow > ending [ending]',
    ]);
  });

  it('picks the variant from an earlier choice, with the reason', () => {
    const gate = chapter('castle/gate');
    expect(resolveNext(journey, gate, { choices: { gear: 'sword' }, vars: {} })).toMatchObject({
      kind: 'goto',
      goto: 'castle/duel-sword',
      reason: 'because choices["gear"] == "sword"',
    });
    expect(resolveNext(journey, gate, { choices: { gear: 'bow' }, vars: {} })).toMatchObject({
      kind: 'goto',
      goto: 'castle/duel-bow',
      reason: 'no earlier rule applied',
    });
    expect(resolveNext(journey, chapter('path/forest'), { choices: {}, vars: {} })).toMatchObject({ kind: 'goto', goto: 'gear', reason: 'the way on' });
    expect(resolveNext(journey, chapter('ending'), { choices: {}, vars: {} })).toEqual({ kind: 'end' });
  });

  it('skips the camp off the mountain road', () => {
    const camp = chapter('camp');
    const forest = conditionContext(journey, { path: 'forest' });
    expect(chapterSkipReason(journey, camp, forest)).toBe('skipped: it applies only when you chose "Over the mountain" at "The fork in the road"');
    expect(isChapterActive(journey, camp, forest)).toBe(false);
    expect(isChapterActive(journey, camp, { choices: { path: 'mountain' }, vars: {} })).toBe(true);
    expect(skipTarget(journey, camp, forest)).toMatchObject({ kind: 'goto', goto: 'castle/gate' });
  });

  it('disables the river with its reason', () => {
    const river = chapter('path').choices.find((c) => c.id === 'river')!;
    expect(choiceState(journey, river, { choices: {}, vars: {} })).toEqual({ enabled: false, because: 'Only sea folk know how to sail the river.' });
    expect(choiceState(journey, river, { choices: {}, vars: { REALM: 'sea' } })).toEqual({ enabled: true });
  });

  it('throws a ConditionError naming the variable that is not set', () => {
    const mountain = chapter('path/mountain');
    const sail = mountain.steps[1]!;
    const noRealm = { ...journey, vars: {} };
    const error = (() => {
      try {
        choiceState(noRealm, chapter('path').choices[3]!, { choices: {}, vars: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConditionError);
    expect((error as ConditionError).message).toBe('cannot evaluate `vars.REALM == "sea"` (path/README.md:21): variable REALM is not set');
    expect(sail.when?.loc).toEqual({ file: 'path/mountain.md', line: 12 });
  });
});

describe('enumeratePaths on small graphs', () => {
  const build = (chapters: Record<string, { next?: string[]; choices?: string[]; deadEnd?: boolean }>): Journey => ({
    id: 't',
    title: 't',
    dir: '/t',
    start: Object.keys(chapters)[0]!,
    phases: [],
    inputs: [],
    vars: {},
    tools: [],
    chapters: new Map(
      Object.entries(chapters).map(([id, c]) => [
        id,
        {
          id,
          file: `${id}.md`,
          title: id,
          inputs: [],
          choices: (c.choices ?? []).map((goto) => ({ id: goto, label: goto, goto, loc: { file: `${id}.md`, line: 1 } })),
          next: (c.next ?? []).map((goto) => ({ goto, loc: { file: `${id}.md`, line: 1 } })),
          ...(c.deadEnd ? { deadEnd: { message: 'no' } } : {}),
          checks: [],
          segments: [],
          steps: [],
          bodyLine: 1,
          loc: { file: `${id}.md`, line: 1 },
        },
      ]),
    ),
  });

  it('stops at cycles', () => {
    const journey = build({ a: { choices: ['b', 'c'] }, b: { next: ['a'] }, c: {} });
    expect(enumeratePaths(journey).map(describePath)).toEqual(['a=b > b > a [cycle]', 'a=c > c [ending]']);
  });

  it('honours the limit', () => {
    const journey = build({ a: { choices: ['b', 'c'] }, b: { choices: ['d', 'e'] }, c: {}, d: {}, e: {} });
    expect(enumeratePaths(journey)).toHaveLength(3);
    expect(enumeratePaths(journey, { limit: 2 })).toHaveLength(2);
  });
});
