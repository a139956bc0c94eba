// Startup benchmark: `npm run bench`. Prints medians and ratios against bare `node -e 0`, measured in the same run.
// Budgets (issue "The runner"): --version ≤ 1.5x bare node, map ≤ 3x, first chapter on screen for play ≤ 400 ms.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn as spawnPty } from '@lydell/node-pty';
import stripAnsi from 'strip-ansi';
import { median } from './shared.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'hero-journey.js');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const sandbox = mkdtempSync(join(tmpdir(), 'hj-bench-'));
const workspace = join(sandbox, 'workspace');
mkdirSync(workspace);
const env = { PATH: process.env.PATH ?? '', HOME: sandbox, XDG_STATE_HOME: join(sandbox, 'state'), TERM: 'xterm-256color', LANG: 'C.UTF-8' };


function once(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: workspace, env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Medians of commands run in turn, round after round, so a busy moment hits them all alike. */
function interleaved(commands: Record<string, string[]>): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const args of Object.values(commands)) once(args); // warm the file cache and the journey model cache
  for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(commands)) samples[name]!.push(once(args));
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

async function firstScreen(): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < Math.min(runs, 10); i++) {
    rmSync(join(sandbox, 'state'), { recursive: true, force: true });
    const start = process.hrtime.bigint();
    const ms = await new Promise<number>((resolve, reject) => {
      const pty = spawnPty(process.execPath, [bin], { cols: 100, rows: 40, cwd: workspace, env });
      let seen = '';
      const timer = setTimeout(() => { pty.kill(); reject(new Error(`no chapter on screen; got: ${seen.slice(-500)}`)); }, 10_000);
      pty.onData((data) => {
        seen += data;
        // The first question (an input, a step or a choice) comes after the chapter header and its prose.
        if (/^\? /m.test(stripAnsi(seen))) {
          const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
          clearTimeout(timer);
          pty.kill();
          resolve(elapsed);
        }
      });
    });
    samples.push(ms);
  }
  return median(samples);
}

const { bare, version, map } = interleaved({ bare: ['-e', '0'], version: [bin, '--version'], map: [bin, 'map', '--no-color'] }) as { bare: number; version: number; map: number };
const play = await firstScreen();
rmSync(sandbox, { recursive: true, force: true });

const row = (name: string, ms: number, budget: string) =>
  console.log(`${name.padEnd(34)} ${ms.toFixed(0).padStart(5)} ms   ${(ms / bare).toFixed(2).padStart(5)}x node   budget ${budget}`);
console.log(`node ${process.version}, ${runs} runs each, medians`);
row('node -e 0', bare, '-');
row('hero-journey --version', version, '1.5x node');
row('hero-journey map', map, '3x node');
row('hero-journey (first chapter shown)', play, '400 ms');
