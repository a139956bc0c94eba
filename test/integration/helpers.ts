// Small helpers shared by the integration tests (not a test file).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../cluster/testenv.ts';

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cluster');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the sandbox's environment; never throws on a non-zero exit. */
export function run(sandbox: Sandbox, cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { env: sandbox.env, cwd: sandbox.home, timeout: opts.timeoutMs ?? 90_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Like run(), but fails with the command's output when it exits non-zero. */
export async function ok(sandbox: Sandbox, cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const res = await run(sandbox, cmd, args, opts);
  if (res.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  }
  return res.stdout;
}

/** Where `name` is on the PATH of `env`, or undefined. */
export async function programOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', 'command -v "$0"', name], { env }, (err, stdout) => resolve(err ? undefined : String(stdout).trim() || undefined));
  });
}

/**
 * Why a test that needs ytt skips when it is not on PATH: no registry reachable here serves it, and
 * the Go module proxy refuses every module path ytt was published under (`go list -m -versions`).
 */
export const YTT_UNAVAILABLE = 'ytt is not installed here and cannot be built: the Go module proxy answers "403 Forbidden: This module version is not available" for carvel.dev/ytt, github.com/carvel-dev/ytt, github.com/vmware-tanzu/carvel-ytt and github.com/k14s/ytt, and no reachable package registry serves ytt';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Polls `probe` every 50 ms until it returns a truthy value or the timeout passes. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
