import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChapter } from '../../../src/journey/chapter.ts';
import { JourneyError, loadJourney } from '../../../src/journey/load.ts';
import { splitProse } from '../../../src/journey/outcome-text.ts';

describe('text that depends on how things went', () => {
  it('splits prose into plain text and when/else blocks; blocks that read the checks wait for them', () => {
    const prose = 'Before.\n<!-- when: step == "done" -->\nIt worked.\n<!--else-->\nIt did not.\n<!-- end -->\nBetween.\n<!-- when: checks == "passed" -->\nProven.\n<!-- end -->\nAfter.';
    const { pieces, problems } = splitProse(prose, 'ch.md', 10);
    expect(problems).toEqual([]);
    expect(pieces).toEqual([
      { kind: 'text', text: 'Before.' },
      { kind: 'when', when: { source: 'step == "done"', loc: { file: 'ch.md', line: 11 } }, then: 'It worked.', otherwise: 'It did not.', afterChecks: false },
      { kind: 'text', text: 'Between.' },
      { kind: 'when', when: { source: 'checks == "passed"', loc: { file: 'ch.md', line: 17 } }, then: 'Proven.', otherwise: '', afterChecks: true },
      { kind: 'text', text: 'After.' },
    ]);
  });

  it('reports markers that do not pair up, with their lines', () => {
    const chapter = '---\ntitle: T\n---\n\n<!-- when: step == "done" -->\nOpen.\n<!-- when: true -->\n\n<!-- end -->\n<!-- else -->\n<!-- end -->\n';
    expect(parseChapter(chapter, 'ch.md').problems.map((p) => `${p.loc.line}: ${p.message}`)).toEqual([
      '7: a `<!-- when: -->` block cannot start inside another (line 5): close that one with `<!-- end -->` first',
      '10: `<!-- else -->` without a `<!-- when: ... -->` above it',
      '11: `<!-- end -->` without a `<!-- when: ... -->` above it',
    ]);
    expect(parseChapter('---\ntitle: T\n---\n\n<!-- when: true -->\nNever closed.\n', 'ch.md').problems.map((p) => p.message)).toEqual([
      'this `<!-- when: ... -->` block is never closed: add `<!-- end -->` after its text',
    ]);
  });

  it('lint checks the conditions like any expression: names it cannot know are errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hj-outcome-'));
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'journey.yaml'), 'id: o\ntitle: O\nstart: only\n');
      await writeFile(
        join(dir, 'only.md'),
        '---\ntitle: Only\n---\n\n```sh\necho hi\n```\n\n<!-- when: step == "done" && steps["step-1"] != "failed" && checks != "failed" -->\nFine.\n<!-- end -->\n\n<!-- when: stepz == "done" -->\nTypo.\n<!-- end -->\n',
      );
      const error = await loadJourney(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JourneyError);
      const messages = (error as JourneyError).problems.map((p) => `${p.loc.line}: ${p.message}`);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/^13: `when` of a text block is not a valid expression: .*stepz/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
