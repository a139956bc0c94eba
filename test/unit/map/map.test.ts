import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import type { Journey } from '../../../src/journey/model.ts';
import { buildJourneyMap } from '../../../src/map/model.ts';
import { renderMapMermaid, renderMapTree } from '../../../src/map/render.ts';
import { newProgress } from '../../../src/state/progress.ts';

const quest = join(import.meta.dirname, '..', '..', 'fixtures', 'journeys', 'quest');
let journey: Journey;
beforeAll(async () => {
  journey = await loadJourney(quest);
});

function progressOnForestBow() {
  const p = newProgress('quest', '/w');
  p.choices.path = { choice: 'forest', at: 't' };
  p.choices.gear = { choice: 'bow', at: 't' };
  p.history = [
    { chapter: 'start', at: 't', outcome: 'completed' },
    { chapter: 'path', at: 't', outcome: 'completed' },
    { chapter: 'path/forest', at: 't', outcome: 'completed' },
    { chapter: 'gear', at: 't', outcome: 'completed' },
    { chapter: 'gear/bow', at: 't', outcome: 'completed' },
    { chapter: 'camp', at: 't', outcome: 'skipped' },
    { chapter: 'castle/gate', at: 't' },
  ];
  p.current = 'castle/gate';
  p.checks['gear/bow'] = { status: 'skipped', at: 't', reason: 'the bow is not strung' };
  return p;
}

describe('buildJourneyMap', () => {
  test('before a choice is made, what depends on it says so instead of being marked skipped', () => {
    const map = buildJourneyMap(journey, newProgress('quest', '/w'));
    const camp = map.groups.flatMap((g) => g.chapters).find((c) => c.id === 'camp')!;
    expect(camp).toMatchObject({ mark: 'not-yet', depends: 'depends on your choice at "The fork in the road"' });
    expect(camp.reason).toBeUndefined();
    const text = renderMapTree(map, { color: false, unicode: true });
    expect(text).toContain('The mountain camp [camp]  (depends on your choice at "The fork in the road")');
    expect(text).not.toContain('skipped:');
    // Variants of `next` read as words on the Mermaid edges, not CEL.
    const mermaid = renderMapMermaid(map);
    expect(mermaid).toContain('when you chose #quot;A sword#quot; at #quot;The armoury#quot;');
    expect(mermaid).not.toContain('choices[');
  });

  test('marks the path, the current chapter, skipped chapters and disabled options', () => {
    const map = buildJourneyMap(journey, progressOnForestBow());
    const chapters = new Map(map.groups.flatMap((g) => g.chapters).map((c) => [c.id, c]));
    expect(chapters.get('start')?.mark).toBe('completed');
    expect(chapters.get('camp')?.mark).toBe('skipped');
    expect(chapters.get('camp')?.reason).toBe('it applies only when you chose "Over the mountain" at "The fork in the road"');
    expect(chapters.get('castle/gate')?.mark).toBe('current');
    expect(chapters.get('castle/duel-sword')?.mark).toBe('not-yet');
    const path = chapters.get('path')!;
    expect(path.choicePoint).toBe(true);
    expect(path.options.find((o) => o.id === 'forest')?.mark).toBe('chosen');
    expect(path.options.find((o) => o.id === 'river')).toMatchObject({ mark: 'disabled', because: 'Only sea folk know how to sail the river.' });
    expect(chapters.get('path/swamp')?.deadEnd).toBe(true);
    expect(chapters.get('ending')?.ending).toBe(true);
  });

  test('without progress nothing is marked done', () => {
    const map = buildJourneyMap(journey);
    expect(map.groups.flatMap((g) => g.chapters).every((c) => c.mark === 'not-yet' || c.mark === 'will-skip')).toBe(true);
    expect(map.current).toBeUndefined();
  });
});

describe('renderMapTree', () => {
  test('draws phases, chapters and options, in plain ASCII when asked', () => {
    const text = renderMapTree(buildJourneyMap(journey, progressOnForestBow()), { color: false, unicode: false });
    expect(text).not.toMatch(/[^\x00-\x7f]/);
    expect(text).not.toMatch(/\u001b/);
    expect(text).toContain('|- Prologue');
    expect(text).toMatch(/> The castle gate \[castle\/gate\]  <- you are here/);
    expect(text).toMatch(/\* Through the forest\s+your choice/);
    expect(text).toMatch(/The bow \[gear\/bow\]  \(checks skipped\)/);
    expect(text).toMatch(/- Down the river\s+\(not available: Only sea folk/);
  });
});

describe('renderMapTree nesting', () => {
  const text = () => renderMapTree(buildJourneyMap(journey), { color: false, unicode: true });
  /** The line that contains `needle`, and how deep in the tree it sits. */
  const at = (lines: string[], needle: string) => {
    const index = lines.findIndex((line) => line.includes(needle));
    expect(index, needle).toBeGreaterThanOrEqual(0);
    return { index, depth: lines[index]!.search(/[○✓▶↷✗●⊘]/) };
  };

  test('a chapter only one option leads to hangs under that option; variants under the chapter that picks them', () => {
    const lines = text().split('\n');
    const option = at(lines, '○ Through the forest');
    const chapter = at(lines, 'The forest [path/forest]');
    expect(chapter.index).toBe(option.index + 1);
    expect(chapter.depth).toBeGreaterThan(option.depth);
    const gate = at(lines, 'The castle gate [castle/gate]');
    for (const variant of ['[castle/duel-sword]', '[castle/duel-bow]']) expect(at(lines, variant).depth).toBeGreaterThan(gate.depth);
    // Where paths meet again, the chapter is back at the top of its phase.
    expect(gate.depth).toBe(at(lines, 'The fork in the road ? [path]').depth);
    expect(at(lines, 'The mountain camp [camp]').depth).toBe(at(lines, 'The armoury ? [gear]').depth);
  });

  test('the bundled journey reads as its choice points, each with its options and their chapters', async () => {
    const bundled = await loadJourney(join(import.meta.dirname, '..', '..', '..', 'chapters'));
    const lines = renderMapTree(buildJourneyMap(bundled), { color: false, unicode: true }).split('\n');
    const top = at(lines, '[setup]').depth;
    for (const milestone of ['[build-image]', '[registry]', '[define-app]', '[https]', '[db]', '[db/connect]', '[db-schema]', '[develop]', '[the-end]', '[cleanup]']) {
      expect(at(lines, milestone).depth, milestone).toBe(top);
    }
    expect(at(lines, '[db/cloud-aws]').depth).toBeGreaterThan(at(lines, '[db/crossplane-cloud]').depth);
    expect(at(lines, '[db/crossplane-cloud]').depth).toBeGreaterThan(top);
    expect(at(lines, '[https/cert-manager-helm]').depth).toBeGreaterThan(at(lines, '[https/cert-manager]').depth);
  });

  test('the bundled journey shows Development, then Production with its own milestones', async () => {
    const bundled = await loadJourney(join(import.meta.dirname, '..', '..', '..', 'chapters'));
    const lines = renderMapTree(buildJourneyMap(bundled), { color: false, unicode: true }).split('\n');
    const development = lines.findIndex((line) => /^[├└]─ Development$/.test(line));
    const production = lines.findIndex((line) => /^[├└]─ Production$/.test(line));
    expect(development).toBeGreaterThan(0);
    expect(production).toBeGreaterThan(at(lines, '[the-end]').index);
    expect(at(lines, '[setup]').index).toBeGreaterThan(development);
    const top = at(lines, '[production]').depth;
    expect(at(lines, '[production]').index).toBeGreaterThan(production);
    for (const milestone of ['[production/cluster]', '[production/gitops]', '[production/ingress]', '[production/app]', '[production/db]', '[production/the-end]']) {
      expect(at(lines, milestone).depth, milestone).toBe(top);
      expect(at(lines, milestone).index, milestone).toBeGreaterThan(production);
    }
    expect(at(lines, '[production/cluster/capi-aws]').depth).toBeGreaterThan(at(lines, '[production/cluster/capi]').depth);
  });
});

describe('renderMapMermaid', () => {
  test('the bundled journey: a top-down flowchart with a subgraph per season, no raw CEL, and exactly what the README shows', async () => {
    const bundled = await loadJourney(join(import.meta.dirname, '..', '..', '..', 'chapters'));
    const text = renderMapMermaid(buildJourneyMap(bundled));
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect([...text.matchAll(/^ {2}subgraph (\S+)\["([^"]+)"\]$/gm)].map((m) => [m[1], m[2]])).toEqual([
      ['phase_development', 'Development'],
      ['phase_production', 'Production'],
    ]);
    expect(text).not.toMatch(/choices\[|vars\.|==/);
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const shown = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    // After changing a chapter's title, choices or phases: npx hero-journey map --format mermaid, into the README.
    expect(shown, 'README.md shows an older map').toBe(text);
  });

  test('a flowchart with choice diamonds, labelled edges and the path styled', () => {
    const text = renderMapMermaid(buildJourneyMap(journey, progressOnForestBow()));
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect(text).toMatch(/c\d+\{"The fork in the road"\}/);
    expect(text).toMatch(/==>\|"Through the forest"\|/);
    expect(text).toMatch(/-\.->\|"Down the river"\|/);
    expect(text).toMatch(/class [c0-9,]+ done/);
    expect(text).toMatch(/class c\d+ current/);
  });
});
