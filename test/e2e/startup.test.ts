// What keeps a cold start short: the bin's compile cache in the XDG cache folder.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, type Sandbox } from './pty.ts';

vi.setConfig({ testTimeout: 60_000 });
let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(() => sandbox.cleanup());

test('the compile cache lives in $XDG_CACHE_HOME/hero-journey/compile', async () => {
  const result = await runBin(['--version'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(result).toMatchObject({ exitCode: 0, stderr: '' });
  expect(readdirSync(join(sandbox.env.XDG_CACHE_HOME!, 'hero-journey', 'compile')).length).toBeGreaterThan(0);
});

test('a cache folder that cannot be made only means no compile cache', async () => {
  const blocked = join(sandbox.root, 'a-file');
  writeFileSync(blocked, '');
  const result = await runBin(['--version'], { cwd: sandbox.workspace, env: { ...sandbox.env, XDG_CACHE_HOME: blocked } });
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});
