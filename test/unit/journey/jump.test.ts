import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jumpInputFor, jumpVariables, nextJumpChoice, seasonStarts, upstreamChoicesUsed } from '../../../src/journey/jump.ts';
import { loadJourney } from '../../../src/journey/load.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/journeys');

describe('jumping in at a chapter', async () => {
  const journey = await loadJourney(join(fixtures, 'seasons'));

  it('asks only for the choice points the chapters from there on read', () => {
    // `road` is skipped too, but nothing after the summit reads it.
    expect(upstreamChoicesUsed(journey, 'summit')).toEqual(['pack']);
    expect(nextJumpChoice(journey, 'summit', {})?.id).toBe('pack');
    expect(nextJumpChoice(journey, 'summit', { pack: 'heavy' })).toBeUndefined();
    // Nothing before the start.
    expect(upstreamChoicesUsed(journey, 'camp')).toEqual([]);
  });

  it('names the variables read before anything sets them, and where their questions are', () => {
    expect(jumpVariables(journey, 'summit', { pack: 'light' })).toEqual(['CAMP', 'LOAD']);
    expect(jumpVariables(journey, 'summit', { pack: 'light' }, ['CAMP'])).toEqual(['LOAD']);
    expect(jumpVariables(journey, 'summit/r', {})).toEqual(['CAMP']);
    expect(jumpInputFor(journey, 'summit', 'LOAD')).toMatchObject({ prompt: "How heavy is Hero's pack?", validate: 'regex:light|heavy' });
    expect(jumpInputFor(journey, 'summit', 'NOPE')).toBeUndefined();
  });

  it('names the first chapter of every later phase as a season start', () => {
    expect(seasonStarts(journey)).toEqual(['summit']);
  });
});

describe('a choice point that only some answers pass', async () => {
  const journey = await loadJourney(join(import.meta.dirname, '../../../chapters'));
  it('is not asked once an earlier answer leads around it', () => {
    const afterDb = (db: string) => {
      const answered: Record<string, string> = { db };
      for (let next = nextJumpChoice(journey, 'the-end', answered); next; next = nextJumpChoice(journey, 'the-end', answered)) {
        answered[next.id] = next.choices[0]!.id;
      }
      return answered;
    };
    expect(Object.keys(afterDb('helm'))).not.toContain('db/crossplane-cloud');
  });
});

describe('lint proves every season start is playable from a jump', async () => {
  const { jumpProblems } = await import('../../../src/journey/lint.ts');
  const journey = await loadJourney(join(fixtures, 'seasons'));

  it('finds nothing wrong when the phase says how to ask for what the skipped part set', () => {
    expect(jumpProblems(journey)).toEqual([]);
  });

  it('reports a variable a jump needs that nothing could ask for, with the answers that need it', () => {
    const withoutInputs = { ...journey, phases: journey.phases.map((phase) => (phase.inputs ? { ...phase, inputs: [] } : phase)) };
    expect(jumpProblems(withoutInputs).map((p) => p.message).sort()).toEqual([
      'jumping in at `summit` (play --from summit --choose pack=light) needs `$CAMP`, which only steps before it set: add an input `CAMP` to phase `two` in journey.yaml, so the learner can be asked for it',
      'jumping in at `summit` (play --from summit --choose pack=light) needs `$LOAD`, which only steps before it set: add an input `LOAD` to phase `two` in journey.yaml, so the learner can be asked for it',
    ]);
  });
});

describe('a chapter that names its cluster\'s kubeconfig', async () => {
  const { chapterKubeEnvironment } = await import('../../../src/play/chapter-cluster.ts');
  const { parseChapter } = await import('../../../src/journey/chapter.ts');

  it('runs its steps and checks with that file of the workspace alone', () => {
    expect(chapterKubeEnvironment({ kubeconfig: '${PROD_KUBECONFIG}' }, { PROD_KUBECONFIG: 'kubeconfig-production.yaml' }, '/home/learner/hero')).toEqual({
      KUBECONFIG: '/home/learner/hero/kubeconfig-production.yaml',
    });
    expect(chapterKubeEnvironment({}, {}, '/home/learner/hero')).toEqual({});
  });

  it('refuses a file outside the workspace, or a variable that is not set', () => {
    expect(() => chapterKubeEnvironment({ kubeconfig: '${WHERE}' }, { WHERE: '../../home/me/.kube/config' }, '/home/learner/hero')).toThrow(/is not a file in the workspace/);
    expect(() => chapterKubeEnvironment({ kubeconfig: '${WHERE}' }, { WHERE: '/etc/kubeconfig' }, '/home/learner/hero')).toThrow(/is not a file in the workspace/);
    expect(() => chapterKubeEnvironment({ kubeconfig: '${WHERE}' }, {}, '/home/learner/hero')).toThrow(/uses \$\{WHERE\}, which is not set/);
  });

  it('is refused by the loader when written as a path outside the workspace', () => {
    for (const written of ['../other.yaml', '/etc/kubeconfig', '~/.kube/config', 'a/../../b']) {
      const parsed = parseChapter(`---\ntitle: t\nkubeconfig: "${written}"\n---\n\n# t\n`, 'c.md');
      expect(parsed.problems.map((p) => p.message), written).toEqual([expect.stringContaining('`kubeconfig` is a file in the learner\'s workspace')]);
    }
  });
});
