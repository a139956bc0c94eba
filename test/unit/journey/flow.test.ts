import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowProblems, formatPath } from '../../../src/journey/flow.ts';
import { lintJourney } from '../../../src/journey/lint.ts';
import { loadJourney } from '../../../src/journey/load.ts';
import { formatProblem } from '../../../src/journey/problems.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/journeys');

describe('lint along every path', () => {
  it('finds each planted gap, loop, stuck choice and unset variable, with a path where it happens', async () => {
    const { problems } = await lintJourney(join(fixtures, 'flow'), { shellcheck: false });
    expect(problems.map(formatProblem)).toEqual([
      'bridge.md:4  warning: every choice has a `when`: when none holds, the learner cannot go on; leave one choice without `when`',
      'bridge.md:4  on the path start → road [bridge] → bridge, the `when` of every choice is false: the learner cannot pick any option; leave one choice without `when`',
      'camp.md:4  the default of input `CAMP_NAME` uses `${TORCH}`, which is not set on every path that reaches it: on the path start → road [right] → road/right → camp, nothing sets it before (it is set in road/left)',
      'camp.md:8  check `fire` uses `${TORCH}`, which is not set on every path that reaches it: on the path start → road [right] → road/right → camp, nothing sets it before (it is set in road/left)',
      'camp.md:12  no `next` rule applies on the path start → road [wander] → road/wander → camp: the learner is stuck here; add a last rule without `when`, or one that covers these choices',
      'camp.md:14  warning: every `next` rule has a `when`: add a last rule without `when`, so no learner is left without a way on',
      'camp.md:19  step `step-1` uses `$TORCH`, which is not set on every path that reaches it: on the path start → road [right] → road/right → camp, nothing sets it before (it is set in road/left)',
      'castle.md:3  the chapter `when` uses `vars.TORCH`, which is not set on every path that reaches it: on the path start → road [right] → road/right → camp → castle, nothing sets it before (it is set in road/left)',
      'castle.md:9  step `step-1` uses `$NOWHERE`, which nothing in this journey sets: add an input, a `vars` default, or an `export` in an earlier step (or write `${NOWHERE:-}` if it may be unset)',
      'castle.md:9  step `step-1` uses `$LATER`, which is not set on every path that reaches it: on the path start → road [left] → road/left → camp → castle, nothing sets it before (it is set in castle)',
      'loop-a.md:1  the path start → road [loop] → loop-a → loop-b → loop-a comes back to `loop-a` with no choice on the way: the learner would go round forever',
    ]);
  });

  it('finds nothing wrong along the paths of the quest journey', async () => {
    const journey = await loadJourney(join(fixtures, 'quest'));
    expect(flowProblems(journey)).toEqual({ problems: [], paths: 5, truncated: false, unset: [] });
  });

  it('stops at a limit and says so', async () => {
    const journey = await loadJourney(join(fixtures, 'quest'));
    expect(flowProblems(journey, { limit: 2 })).toMatchObject({ truncated: true });
    expect(flowProblems(journey, { limit: 1 })).toMatchObject({ truncated: true });
  });

  it('walks a subtree that paths reach alike once, and still counts every path through it', async () => {
    // 2 packs x 3 roads x 3 summit paths = 18 paths; below the summit only the pack matters: 2 x 3 are walked.
    const journey = await loadJourney(join(fixtures, 'seasons'));
    expect(flowProblems(journey, { limit: 7 })).toEqual({ problems: [], paths: 18, truncated: false, unset: [] });
  });

  it('walks from a chapter with the answers of a jump, and names the variables read before anything sets them', async () => {
    const journey = await loadJourney(join(fixtures, 'seasons'));
    expect(flowProblems(journey, { start: 'summit', choices: { pack: 'light' } })).toMatchObject({ paths: 3, unset: ['LOAD', 'CAMP'] });
    expect(flowProblems(journey, { start: 'summit', choices: { pack: 'light' }, defined: ['CAMP', 'LOAD'] })).toMatchObject({ problems: [], unset: [] });
  });

  it('follows a condition on a variable both ways, and does not count on what it guards', async () => {
    const { problems } = await lintJourney(join(fixtures, 'flow'), { shellcheck: false });
    // `castle` has `when: vars.TORCH == "lit"`: it may be played or skipped on every road, so
    // its `LATER` mistake shows up even on the left road, where TORCH is set.
    expect(problems.some((p) => p.message.includes('`$LATER`') && p.message.includes('road [left]'))).toBe(true);
  });

  it('writes paths as chapter ids, with the choice taken and skipped chapters marked', () => {
    expect(formatPath([{ chapter: 'setup' }, { chapter: 'setup/domain', choice: 'nip' }, { chapter: 'https', skipped: true }, { chapter: 'db' }])).toBe(
      'setup → setup/domain [nip] → https (skipped) → db',
    );
  });
});
