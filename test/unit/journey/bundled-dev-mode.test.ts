// The Develop chapters whose tools build a dev container from Hero's own Pod (DevSpace, Nocalhost)
// switch on the dev mode of whichever definition the learner chose: one step per definition tool,
// so a new define-app option cannot leave its learners compiling in a 64 MiB container.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';

const journey = await loadJourney(fileURLToPath(new URL('../../../chapters', import.meta.url)));
const definitions = journey.chapters.get('define-app')!.choices.map((choice) => choice.id);

describe.each(['develop/devspace', 'develop/nocalhost'])('%s', (id) => {
  it.each(definitions)('switches on dev mode when Hero is defined with %s, before the dev loop starts', (definition) => {
    const chapter = journey.chapters.get(id)!;
    const steps = chapter.steps.filter((step) => step.when?.source === `choices["define-app"] == "${definition}"`);
    expect(steps.map((step) => step.title)).toEqual([expect.stringMatching(/^Switch on dev mode/)]);
    expect(steps[0]!.code).toMatch(/dev\.enabled=true|components\/dev|HERO_DEV=true/);
    // It comes before the greeting changes, which the dev loop picks up.
    const greeting = chapter.steps.findIndex((step) => step.title === "Change Hero's greeting");
    expect(steps[0]!.index).toBeLessThan(greeting);
  });
});
