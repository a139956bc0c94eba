import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import type { Chapter } from '../../../src/journey/model.ts';
import { pickFromContents } from '../../../src/play/contents.ts';
import type { Asker, PromptOption } from '../../../src/prompts.ts';
import { newProgress } from '../../../src/state/progress.ts';

const quest = join(import.meta.dirname, '..', '..', 'fixtures', 'journeys', 'quest');
let chapter: Chapter;
beforeAll(async () => {
  chapter = (await loadJourney(quest)).chapters.get('start')!;
});

/** An asker that answers the contents with `answer` (an option's name starts with it) and keeps the options it was shown. */
function answering(answer: string): Asker & { shown: Array<PromptOption<string>> } {
  const asker = {
    interactive: true,
    shown: [] as Array<PromptOption<string>>,
    async select<T extends string>(_message: string, choices: Array<PromptOption<T>>): Promise<T> {
      asker.shown = choices;
      return choices.find((c) => c.name.startsWith(answer))!.value;
    },
    async text(): Promise<string> {
      throw new Error('not asked');
    },
    async confirm(): Promise<boolean> {
      throw new Error('not asked');
    },
  };
  return asker;
}

describe("a chapter's contents", () => {
  test('each step with what became of it (done as edited, not yet, you are here); a step left out on this path cannot be picked', async () => {
    const progress = newProgress('quest', '/w');
    progress.steps['start#greet'] = { status: 'done', at: '', edited: true };
    const asker = answering('None');
    const picked = await pickFromContents(asker, chapter, progress, 1, (step) => (step.index === 0 ? 'only for sea folk' : undefined));
    expect(picked).toEqual({ kind: 'stay' });
    expect(asker.shown.map((o) => [o.name, o.disabled ?? false])).toEqual([
      ['Step 1 of 2: Prepare a greeting (left out)', 'only for sea folk'],
      ['Step 2 of 2: Stretch (not yet, you are here)', false],
      ['Past the last step: on to what comes next', false],
      ['None: back to step 2', false],
    ]);
    const shown = answering('None');
    await pickFromContents(shown, chapter, progress, 1, () => undefined);
    expect(shown.shown[0]?.name).toBe('Step 1 of 2: Prepare a greeting (done, as you edited it)');
  });

  test('an earlier step is run again, a later one or the end is gone ahead to', async () => {
    const progress = newProgress('quest', '/w');
    expect(await pickFromContents(answering('Step 1'), chapter, progress, 1, () => undefined)).toMatchObject({ kind: 'again', step: { index: 0 } });
    expect(await pickFromContents(answering('Step 2'), chapter, progress, 0, () => undefined)).toEqual({ kind: 'ahead', index: 1 });
    expect(await pickFromContents(answering('Past'), chapter, progress, 0, () => undefined)).toEqual({ kind: 'ahead', index: 2 });
  });
});
