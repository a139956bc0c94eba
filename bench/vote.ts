// Live vote benchmark: `npm run bench:vote`. Starts the built CLI as a presenter in a real
// pseudo-terminal (`play --vote` on the show fixture journey), opens 2,000 event streams like
// 2,000 phones, casts 2,000 votes within 2 s, and measures:
//   1. every vote counted exactly once (the server's tally against what was sent);
//   2. from a vote being sent to every stream showing it counted (budget: p95 under 250 ms);
//   3. that the presenter's terminal stays responsive: a key (+, extend) shows on the board;
//   4. the presenter process's peak memory (budget: under 200 MB).
// Voters come from many loopback addresses (127.0.x.y), as phones in a room come from many, so
// the per-address rate limit applies as it does in a room. Exits 1 when a budget is missed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Worker } from 'node:worker_threads';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from '@lydell/node-pty';
import { percentile } from './shared.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const VOTERS = Number(process.env.BENCH_VOTERS ?? 2000);
const VOTE_WINDOW_MS = 2000;
const STREAMS_PER_ADDRESS = 20;
const VOTES_PER_ADDRESS = 8;

const home = mkdtempSync(join(tmpdir(), 'hj-bench-vote-'));
const workspace = join(home, 'work');
mkdirSync(workspace, { recursive: true });
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  XDG_STATE_HOME: join(home, 'state'),
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_CACHE_HOME: join(home, 'cache'),
  KUBECONFIG: join(home, 'kubeconfig'),
  LANG: 'C.UTF-8',
  TERM: 'xterm-256color',
  NO_COLOR: '1',
  // BENCH_PROFILE=DIR: a CPU profile of the presenter's process.
  ...(process.env.BENCH_PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` } : {}),
};
const pty = spawn(process.execPath, [join(root, 'bin', 'hero-journey.js'), '--journey', join(root, 'test', 'fixtures', 'journeys', 'show'), '--no-sync', '--choose', 'build=docker', '--vote', '0', '--vote-seconds', '600'], {
  name: 'xterm-256color',
  cols: 100,
  rows: 50,
  cwd: workspace,
  env,
});
let screen = '';
const screenWaiters: Array<() => void> = [];
pty.onData((data) => {
  screen += data;
  for (const wake of screenWaiters.splice(0)) wake();
});
const waitForScreen = async (pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<RegExpExecArray> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pattern.exec(screen.slice(from));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`the presenter's screen never showed ${pattern}`);
    await new Promise<void>((resolve) => {
      screenWaiters.push(resolve);
      setTimeout(resolve, 100);
    });
  }
};

/** CPU time the presenter's process has used so far, in ms (user + system). */
const cpuMs = () => {
  const fields = readFileSync(`/proc/${pty.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};

/** Peak resident memory of the presenter's process, in MB. */
const peakMemoryMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pty.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

try {
  await waitForScreen(/Run this step\?/);
  pty.write('\r');
  await waitForScreen(/built with docker"[\s\S]*Run this step\?/);
  pty.write('\r');
  const join_ = await waitForScreen(/Join: (http:\/\/127\.0\.0\.1:(\d+)\/\?code=(\w+))/);
  const port = Number(join_[2]);
  const code = join_[3]!;
  await waitForScreen(/Enter close now/);
  const memoryBefore = peakMemoryMb();

  // 1. The audience: one event stream per phone, read in a worker thread (bench/vote-streams.ts).
  const address = (i: number, per: number) => `127.0.${1 + Math.floor(i / per / 250)}.${1 + (Math.floor(i / per) % 250)}`;
  const now = () => performance.timeOrigin + performance.now();
  const audience = new Worker(new URL('./vote-streams.ts', import.meta.url), { workerData: { port, count: VOTERS, perAddress: STREAMS_PER_ADDRESS } });
  await new Promise<void>((resolve, reject) => {
    audience.once('message', () => resolve());
    audience.once('error', reject);
  });
  console.log(`${VOTERS} event streams open`);

  // 2. 2,000 votes within 2 s, spread evenly; each acknowledged with the total right after it.
  const options = ['helm', 'kustomize', 'ftp'];
  const sent: Record<string, number> = { helm: 0, kustomize: 0, ftp: 0 };
  const acks: Array<{ total: number; at: number }> = [];
  const failures: string[] = [];
  const keyLatencies: number[] = [];
  const start = performance.now();
  const cpuBefore = cpuMs();
  // 3. Meanwhile the presenter presses + (extend) now and then: how soon does the board show it?
  const presses = (async () => {
    let bonus = 0;
    for (let k = 0; k < 4; k++) {
      await new Promise((r) => setTimeout(r, 400));
      const from = screen.length;
      const before = performance.now();
      pty.write('+');
      bonus += 30;
      // 600 s plus the extensions, less the time gone by: at least this many seconds now show as left.
      const least = 600 + bonus - Math.ceil((performance.now() - start) / 1000) - 5;
      for (;;) {
        const found = [...screen.slice(from).matchAll(/(\d+):(\d\d) left/g)].some((m) => Number(m[1]) * 60 + Number(m[2]) >= least);
        if (found) break;
        await waitForScreen(/left/, screen.length, 10_000);
      }
      keyLatencies.push(performance.now() - before);
    }
  })();
  await Promise.all(
    Array.from({ length: VOTERS }, (_, i) => {
      const option = options[i % 3]!;
      sent[option]! += 1;
      return new Promise<void>((resolve) => {
        setTimeout(() => {
          const body = JSON.stringify({ option, code });
          const sentAt = now();
          // A plain socket speaking HTTP/1.1, like a phone's one request, at little cost to the bench.
          const socket = connect({ host: '127.0.0.1', port, localAddress: address(i, VOTES_PER_ADDRESS) }, () => {
            socket.write(`POST /vote HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
          });
          let answer = '';
          let error = '';
          socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
          socket.on('close', () => {
            const total = /"total":(\d+)/.exec(answer);
            if (answer.startsWith('HTTP/1.1 200') && total) acks.push({ total: Number(total[1]), at: sentAt });
            else failures.push(answer.split('\r\n')[0] || error || 'no answer');
            resolve();
          });
          socket.on('error', (e) => (error = e.message));
        }, (i * VOTE_WINDOW_MS) / VOTERS);
      });
    }),
  );
  const votingMs = performance.now() - start;
  const cpuVoting = cpuMs() - cpuBefore;
  await presses;
  // Let the last update reach every stream (10 s at most), then collect what each one saw.
  const seen = await new Promise<Array<Array<[number, number]>>>((resolve, reject) => {
    audience.once('message', (message: { seen: Array<Array<[number, number]>> }) => resolve(message.seen));
    audience.once('error', reject);
    audience.postMessage({ until: acks.length });
  });

  const poll = await new Promise<{ total: number; options: Array<{ id: string; votes: number }> }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/poll' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve(JSON.parse(text)));
    })
      .on('error', reject)
      .end();
  });
  const counted = Object.fromEntries(poll.options.map((o) => [o.id, o.votes]));
  const exact = failures.length === 0 && poll.total === VOTERS && options.every((o) => counted[o] === sent[o]);

  // From a vote being sent to each stream showing a total that includes it.
  const latencies: number[] = [];
  let missing = 0;
  for (const log of seen) {
    let j = 0;
    for (const ack of [...acks].sort((a, b) => a.total - b.total)) {
      while (j < log.length && log[j]![0] < ack.total) j++;
      if (j === log.length) {
        missing++;
        continue;
      }
      latencies.push(Math.max(0, log[j]![1] - ack.at));
    }
  }
  const p95 = percentile(latencies, 0.95);
  const p50 = percentile(latencies, 0.5);
  const memory = peakMemoryMb();

  console.log(`votes: ${acks.length} accepted, ${failures.length} refused or failed${failures.length ? ` (first: ${failures[0]})` : ''}, sent in ${Math.round(votingMs)} ms`);
  console.log(`counted: ${JSON.stringify(counted)} total ${poll.total}; sent ${JSON.stringify(sent)}: ${exact ? 'every vote counted exactly once' : 'MISMATCH'}`);
  console.log(`a vote sent → every stream shows it: median ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${latencies.reduce((a, b) => Math.max(a, b), 0).toFixed(1)} ms (${latencies.length} vote x stream pairs${missing ? `, ${missing} never arrived` : ''})`);
  console.log(`presenter's key (+) to the board showing it: ${keyLatencies.map((ms) => `${Math.round(ms)} ms`).join(', ')}`);
  console.log(`presenter process CPU time while the votes came in: ${Math.round(cpuVoting)} ms (of ${Math.round(votingMs)} ms)`);
  console.log(`presenter process peak memory: ${memory.toFixed(0)} MB (${memoryBefore.toFixed(0)} MB before the audience came)`);
  const ok = exact && missing === 0 && p95 < 250 && memory < 200 && votingMs < VOTE_WINDOW_MS + 1000 && Math.max(...keyLatencies) < 1000;
  console.log(`load average while measuring: ${loadavg()[0]!.toFixed(1)} (${availableParallelism()} CPUs)`);
  console.log(ok ? 'within budget' : 'OVER BUDGET');
  process.exitCode = ok ? 0 : 1;
} finally {
  pty.kill(process.env.BENCH_PROFILE ? 'SIGINT' : 'SIGKILL');
  if (process.env.BENCH_PROFILE) await new Promise((resolve) => setTimeout(resolve, 3000));
  rmSync(home, { recursive: true, force: true });
}
