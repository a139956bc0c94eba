// The vote server on loopback, through real HTTP: the contract (GET /poll, POST /vote as form or
// JSON, GET /events), the join code, cookies, refusals with clear messages, and its limits.
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import type { PollQuestion, PollView } from '../../../src/vote/poll.ts';
import { startVoteServer, type VoteServer } from '../../../src/vote/server.ts';

const question: PollQuestion = {
  chapter: 'build',
  title: 'How does Hero <b>get</b> built?',
  options: [
    { id: 'docker', label: 'A <script>alert(1)</script> Dockerfile', disabled: false },
    { id: 'buildpacks', label: 'Buildpacks', summary: 'No Dockerfile', disabled: false },
    { id: 'nix', label: 'Nix', disabled: true, because: 'not packaged yet' },
  ],
};

let server: VoteServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(extra: Partial<Parameters<typeof startVoteServer>[0]> = {}): Promise<VoteServer> {
  server = await startVoteServer({ port: 0, journey: { id: 'show', title: 'The Live Show' }, code: 'abc234', ...extra });
  return server;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with full control over the headers (Host included). */
function send(s: VoteServer, method: string, path: string, options: { headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: s.port, method, path, headers: options.headers, ...(options.localAddress ? { localAddress: options.localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (body: unknown, cookie?: string) => ({ headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
const form = (body: string, cookie?: string) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body });
const cookieOf = (answer: Answer) => String(answer.headers['set-cookie'] ?? '').split(';')[0]!;

describe('the vote server', () => {
  test('GET /poll follows the contract: idle, then open with the options, counts and deadline', async () => {
    const s = await start();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/?code=abc234`);
    const idle = JSON.parse((await send(s, 'GET', '/poll')).body) as PollView;
    expect(idle).toMatchObject({ state: 'idle', chapter: null, options: [], total: 0 });
    s.open(question, Date.now() + 60_000);
    const open = JSON.parse((await send(s, 'GET', '/poll')).body) as PollView;
    expect(open).toMatchObject({ state: 'open', chapter: 'build', title: question.title, total: 0 });
    expect(open.options.map((o) => [o.id, o.votes, o.disabled, o.because])).toEqual([
      ['docker', 0, false, undefined],
      ['buildpacks', 0, false, undefined],
      ['nix', 0, true, 'not packaged yet'],
    ]);
    expect(Date.parse(open.closesAt!)).toBeGreaterThan(Date.now());
  });

  test('one vote per voter (a cookie): a form post or JSON; voting again changes the vote', async () => {
    const s = await start();
    s.open(question);
    const first = await send(s, 'POST', '/vote', form('option=docker&code=abc234'));
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/?code=abc234');
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/^hj_voter=[\w-]{22}$/);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const again = await send(s, 'POST', '/vote?code=abc234', form('option=docker', cookie));
    expect(again.status).toBe(303);
    const changed = await send(s, 'POST', '/vote', json({ option: 'buildpacks', code: 'abc234' }, cookie));
    expect(changed.status).toBe(200);
    expect(JSON.parse(changed.body)).toMatchObject({ ok: true, vote: 'buildpacks', poll: { total: 1 } });
    const other = await send(s, 'POST', '/vote', json({ option: 'buildpacks', code: 'abc234' }));
    expect(other.status).toBe(200);
    expect(s.box.tally()).toEqual({ votes: { docker: 0, buildpacks: 2, nix: 0 }, total: 2 });
    // The voter page knows the vote from the cookie and shows the counts.
    const page = await send(s, 'GET', '/?code=abc234', { headers: { cookie } });
    expect(page.body).toContain('You voted for <strong>Buildpacks</strong>');
    expect(page.body).toContain('2 votes (100%)');
  });

  test('refusals are 4xx with a clear message: wrong or missing code, unknown or disabled option, closed poll, bad bodies', async () => {
    const s = await start({ rate: { burst: 100, perSecond: 100 } });
    const refusal = async (answer: Promise<Answer>, status: number, message: RegExp) => {
      const got = await answer;
      expect(got.status).toBe(status);
      expect(JSON.parse(got.body).error).toMatch(message);
    };
    await refusal(send(s, 'POST', '/vote', json({ option: 'docker', code: 'abc234' })), 409, /no vote is open yet/);
    s.open(question);
    await refusal(send(s, 'POST', '/vote', json({ option: 'docker' })), 403, /needs the join code/);
    await refusal(send(s, 'POST', '/vote', json({ option: 'docker', code: 'zzz999' })), 403, /wrong join code/);
    await refusal(send(s, 'POST', '/vote', json({ option: 'podman', code: 'abc234' })), 400, /no option "podman"/);
    await refusal(send(s, 'POST', '/vote', json({ option: 'nix', code: 'abc234' })), 422, /"Nix" cannot be chosen here: not packaged yet/);
    await refusal(send(s, 'POST', '/vote', json({ code: 'abc234' })), 400, /say which option/);
    await refusal(send(s, 'POST', '/vote', { headers: { 'content-type': 'application/json' }, body: '{"option": ' }), 400, /not valid JSON/);
    await refusal(send(s, 'POST', '/vote', { headers: { 'content-type': 'text/plain' }, body: 'docker' }), 415, /as a form/);
    await refusal(send(s, 'POST', '/vote', json({ option: 'docker', code: 'abc234', pad: 'x'.repeat(5000) })), 413, /at most 4096 bytes/);
    s.decide('docker', 'tie-break');
    await refusal(send(s, 'POST', '/vote', json({ option: 'docker', code: 'abc234' })), 409, /this vote is closed/);
    expect(s.box.tally().total).toBe(0);
    // Without JavaScript, a refusal is a page with the message and the way back.
    s.open(question);
    const page = await send(s, 'POST', '/vote?code=abc234', form('option=nix&code=abc234'));
    expect(page.status).toBe(422);
    expect(page.body).toContain('cannot be chosen here: not packaged yet');
    expect(page.body).toContain('href="/?code=abc234"');
  });

  test('one address cannot flood votes: past its burst it gets 429, other addresses still vote', async () => {
    const s = await start({ rate: { burst: 5, perSecond: 0.001 } });
    s.open(question);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await send(s, 'POST', '/vote', json({ option: 'docker', code: 'abc234' }))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(s.box.tally().total).toBe(5);
    const elsewhere = await send(s, 'POST', '/vote', { ...json({ option: 'docker', code: 'abc234' }), localAddress: '127.0.0.2' });
    expect(elsewhere.status).toBe(200);
    expect(s.box.tally().total).toBe(6);
  });

  test('a Host header that is not this machine is refused (no DNS rebinding); pages carry a strict CSP and escape what they show', async () => {
    const s = await start();
    s.open(question);
    expect((await send(s, 'GET', '/poll', { headers: { host: 'evil.example:80' } })).status).toBe(403);
    expect((await send(s, 'POST', '/vote', { ...json({ option: 'docker', code: 'abc234' }), headers: { host: 'evil.example', 'content-type': 'application/json' } })).status).toBe(403);
    expect(s.box.tally().total).toBe(0);
    const page = await send(s, 'GET', '/?code=abc234', { headers: { host: `localhost:${s.port}` } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('A &lt;script&gt;alert(1)&lt;/script&gt; Dockerfile');
    expect(page.body).toContain('How does Hero &lt;b&gt;get&lt;/b&gt; built?');
    expect((await send(s, 'GET', '/screen')).status).toBe(403);
    const screen = await send(s, 'GET', '/screen?code=abc234');
    expect(screen.status).toBe(200);
    expect(screen.body).toContain('<svg');
    expect((await send(s, 'GET', '/?code=nope00')).body).toContain('That join code is not this room');
    expect((await send(s, 'DELETE', '/poll')).status).toBe(405);
    expect((await send(s, 'GET', `/poll?${'x'.repeat(3000)}`)).status).toBe(414);
  });

  test('GET /events streams the poll as server-sent events: the current state at once, then every change', async () => {
    const s = await start({ batchMs: 10 });
    const views: PollView[] = [];
    const req = httpRequest({ host: '127.0.0.1', port: s.port, path: '/events' });
    const received = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        let buffer = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data) views.push(JSON.parse(data.slice(6)) as PollView);
            if (views.at(-1)?.state === 'closed') resolve();
          }
        });
      });
    });
    req.end();
    await expect.poll(() => views.length, { timeout: 10_000 }).toBe(1);
    expect(views[0]!.state).toBe('idle');
    s.open(question);
    await expect.poll(() => views.at(-1)?.state, { timeout: 10_000 }).toBe('open');
    await send(s, 'POST', '/vote', json({ option: 'buildpacks', code: 'abc234' }));
    await expect.poll(() => views.at(-1)?.total, { timeout: 10_000 }).toBe(1);
    s.decide('buildpacks', 'audience');
    await received;
    expect(views.at(-1)).toMatchObject({ state: 'closed', winner: 'buildpacks', decidedBy: 'audience', total: 1 });
    expect(s.path().decisions).toEqual([expect.objectContaining({ chapter: 'build', choice: 'buildpacks', poll: 1, total: 1, votes: { docker: 0, buildpacks: 1, nix: 0 } })]);
    req.destroy();
  });
});
