import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import type { Journey } from '../../../src/journey/model.ts';
import { chapterHeaderInfo, renderChapterPage } from '../../../src/play/page.ts';
import { plainTerminal } from '../../../src/render/terminal.ts';
import { newProgress } from '../../../src/state/progress.ts';

const quest = join(import.meta.dirname, '..', '..', 'fixtures', 'journeys', 'quest');
let journey: Journey;
beforeAll(async () => {
  journey = await loadJourney(quest);
});
const page = (id: string, progress?: ReturnType<typeof newProgress>) => renderChapterPage(journey, journey.chapters.get(id)!, progress, plainTerminal(100));
/** Text with box borders removed and whitespace runs made one space, so wrapped lines read as one. */
const flat = (text: string) => text.replace(/[\u2500-\u257f]/g, ' ').replace(/\s+/g, ' ');

describe('renderChapterPage', () => {
  test('header and prose as play shows them, inputs asked first, every step as a card, nothing run', () => {
    const text = page('start');
    expect(text).toContain('╭─ The Quest of Hero · Prologue');
    expect(text).toContain('The call to adventure');
    expect(flat(text)).toContain('It asks you first • HERO_NAME: What is Hero\'s name? (default Hero; must be one character (letters), then 0 to 30 characters (letters, digits, dashes or spaces)) Up to 31 letters');
    expect(text).toMatch(/Step 1 of 2 · Prepare a greeting/);
    expect(text).toMatch(/Step 2 of 2 · Stretch/);
    expect(text).toContain('Remembers for later steps: GREETING');
    // `norun` blocks are prose: shown, never a step.
    expect(text).toContain('false  # would fail if it ran');
    expect(text).toContain('Next: The fork in the road [path]');
  });

  test('a choice point lists its options, where each leads, and the ones this learner cannot pick', () => {
    const text = flat(page('path', newProgress('quest', '/w')));
    expect(text).toContain('1) Through the forest Shady and safe. → The forest [path/forest]');
    expect(text).toContain('4) Down the river (unavailable: Only sea folk know how to sail the river.)');
    // Without a learner, conditions are shown as written instead of decided.
    expect(flat(page('path'))).toContain('→ The river [path/river], only when REALM is "sea"');
  });

  test('variants: every rule in order, and the one that applies to this learner marked', () => {
    expect(flat(page('castle/gate'))).toContain('Next, depending on earlier choices • A duel of swords [castle/duel-sword], when you chose "A sword" at "The armoury" • An archery contest [castle/duel-bow], otherwise ');
    const archer = newProgress('quest', '/w');
    archer.choices.gear = { choice: 'bow', at: 't' };
    const text = flat(page('castle/gate', archer));
    expect(text).toContain('An archery contest [castle/duel-bow], otherwise ← yours');
    expect(text).not.toContain('"sword" ← yours');
  });

  test('conditions of chapters and steps, decided for the learner when there is one', () => {
    expect(page('camp')).toContain('Played only when you chose "Over the mountain" at "The fork in the road"');
    const forest = newProgress('quest', '/w');
    forest.choices.path = { choice: 'forest', at: 't' };
    expect(page('camp', forest)).toContain('Skipped on your path: it applies only when you chose "Over the mountain" at "The fork in the road"');
    const mountain = page('path/mountain', newProgress('quest', '/w'));
    expect(mountain).toContain('Step 2 is skipped on your path: it applies only when REALM is "sea"');
    expect(mountain).toContain('Step 3 runs only when you chose "Over the mountain" at "The fork in the road"');
  });

  test('checks that must pass, with their titles; a dead end says so', () => {
    const river = flat(page('path/river'));
    expect(river).toContain('Before you go on, it proves • hero-ready • The boat is there • no Pod leak (only when vars.REALM == "sea")');
    expect(river).toContain('BOAT_PASSWORD: The ferryman\'s password (secret: never shown or synced; only when REALM is "sea")');
    expect(flat(page('path/swamp'))).toContain('Dead end The swamp swallows the road. Hero must go back and pick another way.');
    expect(page('ending')).toContain('The journey ends here.');
  });

  test('the header info is shared with play', () => {
    expect(chapterHeaderInfo(journey, journey.chapters.get('start')!)).toEqual({
      title: 'The call to adventure',
      episode: '1',
      summary: 'Hero learns their name and sets out.',
      journeyTitle: 'The Quest of Hero',
      phase: 'Prologue',
    });
  });
});
