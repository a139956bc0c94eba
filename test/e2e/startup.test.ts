// What keeps a cold start short: the bin's compile cache in the XDG cache folder, and a built
// Kubernetes client that loads only the classes hero-journey uses (never the generated API classes).
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { runBin } from './cli.ts';
import { binPath, makeSandbox, repoRoot, type Sandbox } from './pty.ts';

vi.setConfig({ testTimeout: 60_000 });
const run = promisify(execFile);
const noChecks = fileURLToPath(new URL('../unit/checks/fixtures/no-checks', import.meta.url));
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

test('talking to a cluster loads the bundled client, not the whole @kubernetes/client-node package', async () => {
  mkdirSync(join(sandbox.home, '.kube'));
  writeFileSync(
    sandbox.env.KUBECONFIG!,
    'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n',
  );
  // A loader hook that writes down every module file Node loads.
  const list = join(sandbox.root, 'loaded.txt');
  const hook = join(sandbox.root, 'hook.mjs');
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregisterHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(list)}, url + '\\n'); return next(url, context); } });\n`,
  );
  // doctor asks the (absent) server, so it exits 1; what matters is what it loaded to ask.
  await run(process.execPath, ['--import', pathToFileURL(hook).href, binPath, 'doctor', '--journey', noChecks], { cwd: sandbox.workspace, env: sandbox.env }).catch(
    (error: { code?: number }) => expect(error.code).toBe(1),
  );
  const loaded = readFileSync(list, 'utf8').split('\n');
  expect(loaded).toContain(pathToFileURL(join(repoRoot, 'dist', 'kube', 'client-node.js')).href);
  expect(loaded.filter((url) => url.includes('/node_modules/@kubernetes/client-node/'))).toEqual([]);
});
