import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import type { Chapter } from '../../../src/journey/model.ts';
import { renderRecap, resumePoint } from '../../../src/play/recap.ts';
import { newProgress } from '../../../src/state/progress.ts';

const quest = join(import.meta.dirname, '..', '..', 'fixtures', 'journeys', 'quest');
const terminal = { width: 100, color: false, unicode: true, hyperlinks: false } as never;
let chapter: Chapter;
beforeAll(async () => {
  chapter = (await loadJourney(quest)).chapters.get('start')!;
});

describe('where a learner coming back to a chapter picks up', () => {
  test('a chapter with no step done or skipped is new: no recap', () => {
    expect(resumePoint(chapter, newProgress('quest', '/w'))).toBeUndefined();
    // A step done further on does not make the first one behind the learner.
    const progress = newProgress('quest', '/w');
    progress.steps[`start#${chapter.steps[1]!.id}`] = { status: 'done', at: '' };
    expect(resumePoint(chapter, progress)).toBeUndefined();
  });

  test('after the first step, the next is the second; the text shown starts right after the first', () => {
    const progress = newProgress('quest', '/w');
    progress.steps['start#greet'] = { status: 'done', at: '' };
    const resume = resumePoint(chapter, progress)!;
    expect(resume).toMatchObject({ next: { index: 1 }, done: 1, skipped: 0 });
    const first = chapter.segments.findIndex((s) => s.kind === 'step');
    expect(resume.firstSegment).toBe(first + 1);
  });

  test('every step behind the learner: the recap says what comes next and how to read the text', () => {
    const progress = newProgress('quest', '/w');
    progress.steps['start#greet'] = { status: 'done', at: '' };
    progress.steps[`start#${chapter.steps[1]!.id}`] = { status: 'skipped', at: '', by: 'learner' };
    const resume = resumePoint(chapter, progress)!;
    expect(resume).toMatchObject({ next: undefined, done: 1, skipped: 1 });
    const text = renderRecap(chapter, resume, terminal, 'hero-journey show start').replace(/[│\s]+/g, ' ');
    expect(text).toContain('All 2 steps are behind you (1 done and 1 skipped): the chapter ends here.');
    expect(text).toContain('`hero-journey show start` shows the chapter\'s text in full.');
  });
});
