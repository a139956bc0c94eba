import { describe, expect, test } from 'vitest';
import { PollBox, VoteRefused, type PollQuestion } from '../../../src/vote/poll.ts';

const question: PollQuestion = {
  chapter: 'build',
  title: 'How does Hero get built?',
  options: [
    { id: 'docker', label: 'A Dockerfile', disabled: false },
    { id: 'buildpacks', label: 'Buildpacks', disabled: false },
    { id: 'nix', label: 'Nix', disabled: true, because: 'not packaged yet' },
  ],
};

function refused(run: () => unknown): VoteRefused {
  try {
    run();
  } catch (error) {
    if (error instanceof VoteRefused) return error;
    throw error;
  }
  throw new Error('the vote was not refused');
}

describe('a poll', () => {
  test('is idle before the first choice point, and refuses votes', () => {
    const box = new PollBox();
    expect(box.view(0)).toMatchObject({ state: 'idle', chapter: null, title: null, options: [], total: 0 });
    expect(refused(() => box.vote('v1', 'docker')).status).toBe(409);
  });

  test('one vote per voter: voting again moves it, counts never double or go below zero', () => {
    const box = new PollBox();
    box.open(question);
    box.vote('ann', 'docker');
    box.vote('ann', 'docker');
    box.vote('bob', 'docker');
    expect(box.tally()).toEqual({ votes: { docker: 2, buildpacks: 0, nix: 0 }, total: 2 });
    box.vote('ann', 'buildpacks');
    box.vote('ann', 'buildpacks');
    expect(box.tally()).toEqual({ votes: { docker: 1, buildpacks: 1, nix: 0 }, total: 2 });
    box.vote('bob', 'buildpacks');
    box.vote('ann', 'docker');
    box.vote('ann', 'buildpacks');
    expect(box.tally()).toEqual({ votes: { docker: 0, buildpacks: 2, nix: 0 }, total: 2 });
    expect(box.ballotOf('ann')).toBe('buildpacks');
    expect(box.leaders()).toEqual(['buildpacks']);
  });

  test('unknown and disabled options, and votes for an earlier poll, are refused with a reason', () => {
    const box = new PollBox();
    const first = box.open(question);
    const unknown = refused(() => box.vote('ann', 'kaniko\u001b[31m'));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toBe('there is no option "kaniko?[31m" in this vote');
    const disabled = refused(() => box.vote('ann', 'nix'));
    expect(disabled.status).toBe(422);
    expect(disabled.message).toContain('not packaged yet');
    box.close('docker', 'tie-break');
    const second = box.open(question);
    expect(second).toBe(first + 1);
    expect(refused(() => box.vote('ann', 'docker', first)).status).toBe(409);
    expect(box.vote('ann', 'docker', second).id).toBe('docker');
    expect(box.tally().total).toBe(1);
  });

  test('a closed poll keeps its result, takes no votes, and a new poll starts from zero', () => {
    const box = new PollBox();
    box.open(question, 5000);
    box.vote('ann', 'docker');
    expect(box.view(1000)).toMatchObject({ state: 'open', closesAt: new Date(5000).toISOString(), total: 1 });
    box.close('docker', 'audience');
    expect(box.view(6000)).toMatchObject({ state: 'closed', winner: 'docker', decidedBy: 'audience', total: 1 });
    expect(box.view(6000).closesAt).toBeUndefined();
    expect(refused(() => box.vote('bob', 'buildpacks')).message).toContain('closed');
    box.open(question);
    expect(box.tally()).toEqual({ votes: { docker: 0, buildpacks: 0, nix: 0 }, total: 0 });
    expect(box.ballotOf('ann')).toBeUndefined();
  });

  test('a tie lists every leading option in the chapter\'s order; a disabled option never leads', () => {
    const box = new PollBox();
    box.open(question);
    expect(box.leaders()).toEqual(['docker', 'buildpacks']);
    box.vote('ann', 'buildpacks');
    box.vote('bob', 'docker');
    expect(box.leaders()).toEqual(['docker', 'buildpacks']);
    box.vote('cem', 'buildpacks');
    expect(box.leaders()).toEqual(['buildpacks']);
  });
});
