// An attendee's play following a room, against presenters on loopback: a real vote server, and
// hostile ones whose answers are too large or malformed. What reaches the terminal is checked.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { Chapter } from '../../../src/journey/model.ts';
import { plainTerminal } from '../../../src/render/terminal.ts';
import { followRoom } from '../../../src/vote/follow.ts';
import { startVoteServer, type VoteServer } from '../../../src/vote/server.ts';

const chapter = { id: 'build', title: 'How does Hero get built?' } as Chapter;
const options = [
  { value: 'docker', name: 'A Dockerfile', disabled: false as const },
  { value: 'buildpacks', name: 'Buildpacks', disabled: false as const },
];

let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});

function follower(url: string) {
  const out: string[] = [];
  const decide = followRoom({ url, terminal: plainTerminal(80), tty: true, write: (t) => out.push(t), writeRaw: (t) => out.push(t), signal: new AbortController().signal, timeoutMs: 5000 });
  return { decide, out };
}

async function hostile(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  server.on('connection', (socket) => closers.push(async () => socket.destroy()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('following the room', () => {
  test('takes a decision the room already made, and waits for the next vote with the live counts', async () => {
    const room: VoteServer = await startVoteServer({ port: 0, journey: { id: 'show', title: 'Show' }, batchMs: 10 });
    closers.push(() => room.close());
    room.open({ chapter: 'build', title: 'How does Hero get built?', options: [{ id: 'docker', label: 'A Dockerfile', disabled: false }, { id: 'buildpacks', label: 'Buildpacks', disabled: false }] });
    room.decide('buildpacks', 'audience');
    const { decide, out } = follower(room.url);
    expect(await decide(chapter, options)).toEqual({ choice: 'buildpacks', source: 'room', audience: { votes: { docker: 0, buildpacks: 0 }, total: 0, decidedBy: 'audience' } });
    // Back at the same choice point (after a dead end): the same decision is not taken twice.
    const waiting = decide(chapter, options);
    await expect.poll(() => out.join(''), { timeout: 10_000 }).toContain("waiting for the room's vote");
    room.open({ chapter: 'build', title: 'How does Hero get built?', options: [{ id: 'docker', label: 'A Dockerfile', disabled: false }, { id: 'buildpacks', label: 'Buildpacks', disabled: false }] });
    room.box.vote('v1', 'docker');
    room.setDeadline(undefined);
    await expect.poll(() => out.join(''), { timeout: 10_000 }).toContain('the room votes: A Dockerfile 1 · Buildpacks 0 (1 votes)');
    room.decide('docker', 'audience');
    expect(await waiting).toMatchObject({ choice: 'docker', source: 'room', audience: { total: 1 } });
  });

  test('a presenter whose answer is too large, not JSON, or full of escape codes is not trusted', async () => {
    const huge = await hostile((_, res) => res.end(`{"decisions":[${'"x",'.repeat(400_000)}"x"]}`));
    const a = follower(huge);
    expect(await a.decide(chapter, options)).toBeUndefined();
    expect(a.out.join('').replace(/\s+/g, ' ')).toContain('does not answer (the answer is too large): choose yourself this time');

    const garbage = await hostile((_, res) => res.end('<html>not a room</html>'));
    const b = follower(garbage);
    expect(await b.decide(chapter, options)).toBeUndefined();
    expect(b.out.join('').replace(/\s+/g, ' ')).toContain('choose yourself this time');

    // A stream whose labels carry escape codes and whose counts are negative: shown clean, counts dropped.
    const sneaky = await hostile((req, res) => {
      if (req.url === '/path') return res.end('{"decisions":[]}');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ state: 'open', poll: 1, chapter: 'build', options: [{ id: 'docker', label: 'A\u001b]52;c;cm0gLXJmIC8=\u0007 Dockerfile\u001b[2J', votes: 3 }, { id: 'buildpacks', label: 'Buildpacks', votes: -5 }], total: 3 })}\n\n`);
      res.write(`data: ${JSON.stringify({ state: 'closed', poll: 1, chapter: 'build', options: [{ id: 'docker', label: 'A Dockerfile', votes: 3 }], total: 3, winner: 'docker', decidedBy: 'nonsense' })}\n\n`);
    });
    const c = follower(sneaky);
    expect(await c.decide(chapter, options)).toMatchObject({ choice: 'docker', source: 'room', audience: { decidedBy: 'audience', total: 3 } });
    const shown = c.out.join('');
    expect(shown).toContain('the room votes: A Dockerfile 3 (3 votes)');
    expect(shown).not.toMatch(/\u0007|\]52|\[2J/);
  });
});
