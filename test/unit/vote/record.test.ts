// What a live vote leaves behind for the learner: the audience's choices in progress, shown by
// status and map (tree and Mermaid); and the presenter's board in the terminal.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import { buildJourneyMap } from '../../../src/map/model.ts';
import { renderMapMermaid, renderMapTree } from '../../../src/map/render.ts';
import { plainTerminal } from '../../../src/render/terminal.ts';
import { visibleWidth } from '../../../src/render/text.ts';
import { describeAudience, newProgress } from '../../../src/state/progress.ts';
import { renderBoard } from '../../../src/vote/board.ts';
import { PollBox } from '../../../src/vote/poll.ts';

const show = join(import.meta.dirname, '..', '..', 'fixtures', 'journeys', 'show');

describe('audience choices in progress', () => {
  test('are described with the votes the option got, of all votes, and who settled it', () => {
    expect(describeAudience({ choice: 'docker', at: 't' })).toBeUndefined();
    const votes = { docker: 134, buildpacks: 78 };
    expect(describeAudience({ choice: 'docker', at: 't', audience: { votes, total: 212, decidedBy: 'audience' } })).toBe('chosen by the audience: 134 of 212');
    expect(describeAudience({ choice: 'buildpacks', at: 't', audience: { votes, total: 212, decidedBy: 'presenter' } })).toBe('chosen by the presenter, overruling the audience (78 of 212 voted for it)');
    expect(describeAudience({ choice: 'docker', at: 't', audience: { votes: { docker: 5, buildpacks: 5 }, total: 10, decidedBy: 'tie-break' } })).toMatch(/^a tie .*: 5 of 10$/);
  });

  test('map marks them in the tree and in Mermaid (a ballot box, the count, the chapter outlined)', async () => {
    const journey = await loadJourney(show);
    const progress = newProgress('show', '/w');
    progress.choices.build = { choice: 'buildpacks', at: 't', audience: { votes: { docker: 78, buildpacks: 134, nix: 0 }, total: 212, decidedBy: 'audience' } };
    progress.choices.deploy = { choice: 'helm', at: 't' };
    progress.history = ['intro', 'build', 'build/buildpacks', 'deploy', 'deploy/helm'].map((chapter) => ({ chapter, at: 't', outcome: 'completed' as const }));
    progress.finished = true;
    const map = buildJourneyMap(journey, progress);
    const tree = renderMapTree(map, { color: false, unicode: true });
    expect(tree).toContain('● Cloud Native Buildpacks  chosen by the audience: 134 of 212');
    expect(tree).toContain('● A Helm chart  your choice');
    const mermaid = renderMapMermaid(map);
    expect(mermaid).toMatch(/==>\|"🗳️ Cloud Native Buildpacks · 134 of 212"\| (c\d+)/);
    const target = /==>\|"🗳️ Cloud Native Buildpacks[^|]*\| (c\d+)/.exec(mermaid)![1];
    expect(mermaid).toContain(`class ${target} audience`);
    expect(mermaid).toMatch(/==>\|"A Helm chart"\|/);
  });
});

describe("the presenter's board", () => {
  test('a bar and count per option, disabled ones with their reason, time left and keys; every line fits', () => {
    const box = new PollBox();
    box.open({
      chapter: 'build',
      title: 'Build',
      options: [
        { id: 'docker', label: 'A Dockerfile', disabled: false },
        { id: 'buildpacks', label: `Buildpacks \u001b[2J\u001b]8;;http://evil\u0007 with a very long name that goes on and on`, disabled: false },
        { id: 'nix', label: 'Nix', disabled: true, because: 'not packaged yet' },
      ],
    });
    box.vote('a', 'docker');
    box.vote('b', 'docker');
    box.vote('c', 'buildpacks');
    const terminal = plainTerminal(60);
    const lines = renderBoard(box.view(0), { terminal, keys: true, extendSeconds: 30, secondsLeft: 42.2 });
    expect(lines[0]).toMatch(/^ {2}1 {2}A Dockerfile +█+ +2$/);
    expect(lines[1]).toMatch(/^ {2}2 {2}Buildpacks .*… █+░+ +1$/);
    expect(lines.join('\n')).not.toMatch(/\u001b|\u0007/);
    expect(lines[2]).toBe('  -  Nix (not available: not packaged yet)');
    expect(lines).toContain('3 votes · 0:43 left');
    expect(lines.at(-1)).toContain('Enter close now · + 30 s more · 1-2 overrule');
    for (const line of lines) expect(visibleWidth(line)).toBeLessThan(60);
    const tie = renderBoard(box.view(0), { terminal, keys: true, extendSeconds: 30, tie: ['docker', 'buildpacks'] });
    expect(tie.at(-1)).toContain('A tie: press the number of the option to take');
  });
});
