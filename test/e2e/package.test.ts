import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot, type Sandbox } from './pty.ts';

// What `npx hero-journey` users get: the packed tarball, installed into an empty project.
let sandbox: Sandbox;
let installedBin: string;

beforeAll(async () => {
  sandbox = await makeSandbox();
  const packDir = join(sandbox.root, 'pack');
  // --ignore-scripts: `npm test` built dist/ already, and other test files run from it right now
  // (prepack would remove and rebuild it under them). The test below proves prepack on a copy.
  execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', sandbox.root], { cwd: repoRoot, env: { ...process.env, npm_config_loglevel: 'error' } });
  const tarball = readdirSync(sandbox.root).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  execFileSync('mkdir', ['-p', packDir]);
  execFileSync('npm', ['init', '-y'], { cwd: packDir, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', join(sandbox.root, tarball)], { cwd: packDir, stdio: 'ignore' });
  installedBin = join(packDir, 'node_modules', 'hero-journey', 'bin', 'hero-journey.js');
}, 180_000);

afterAll(() => sandbox?.cleanup());

test('the tarball holds only what users need', () => {
  const listing = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
  const files = (JSON.parse(listing) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  expect(files).toContain('bin/hero-journey.js');
  expect(files).toContain('dist/cli/index.js');
  expect(files).toContain('chapters/journey.yaml');
  expect(files).toContain('templates/journey/journey.yaml');
  expect(files).toContain('templates/journey/checks/greeting-stored.ts');
  expect(files).toContain('docs/journey-format.md');
  expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
});

test('npm pack from a fresh clone builds dist/ first, and never ships files of sources that are gone', () => {
  const clone = join(sandbox.root, 'clone');
  mkdirSync(clone);
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'scripts', 'src', 'chapters', 'templates']) {
    cpSync(join(repoRoot, entry), join(clone, entry), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
  mkdirSync(join(clone, 'dist', 'old'), { recursive: true });
  writeFileSync(join(clone, 'dist', 'old', 'removed-module.js'), 'export {};\n');
  const listing = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: clone, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  const files = (JSON.parse(listing) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  expect(files).toContain('dist/cli/index.js');
  expect(files).toContain('dist/chapters/checks/workloads-ready.js');
  expect(files).not.toContain('dist/old/removed-module.js');
  expect(existsSync(join(clone, 'dist', 'old'))).toBe(false);
}, 120_000);

test('the installed bin prints its version and help', async () => {
  const version = await runBin(['--version'], { cwd: sandbox.workspace, env: sandbox.env, bin: installedBin });
  expect(version.exitCode).toBe(0);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  const help = await runBin(['--help'], { cwd: sandbox.workspace, env: sandbox.env, bin: installedBin });
  expect(help.stdout).toContain('Usage: hero-journey');
});

test('the installed bin opens the bundled journey', async () => {
  const map = await runBin(['map', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, bin: installedBin });
  expect(map.stderr).toBe('');
  expect(map.exitCode).toBe(0);
  expect(map.stdout).toMatch(/Setup/);
  const lint = await runBin(['lint'], { cwd: sandbox.workspace, env: sandbox.env, bin: installedBin });
  expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
  const dry = await runBin(['--dry-run'], { cwd: sandbox.workspace, env: sandbox.env, bin: installedBin });
  // Without a terminal the first choice point needs --choose: the error names the flag.
  expect(dry.stdout).toMatch(/Dry run/);
  expect(dry.stderr).toMatch(/--choose /);
});

/** A Node.js older than hero-journey supports, when this machine has one (Debian's, for example). */
function olderNode(): string | undefined {
  const candidates = ['/usr/bin/node', '/usr/local/bin/node', ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'node'))];
  return candidates.find((node) => {
    const version = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim();
    if (!version) return false;
    const [major, minor] = version.split('.').map(Number) as [number, number];
    return major < 22 || (major === 22 && minor < 18);
  });
}

const oldNode = olderNode();

test.skipIf(!oldNode)('an older Node.js gets one sentence that says which version is needed and how to get it', async () => {
  const result = await runBin(['--version'], { cwd: sandbox.workspace, env: sandbox.env, bin: installedBin, node: oldNode! });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^hero-journey: needs Node\.js 22\.18 or newer; this is Node\.js \d+\.\d+\.\d+ /);
  expect(result.stderr).toContain('npx -p node@24 -p hero-journey hero-journey');
  expect(result.stderr).not.toMatch(/SyntaxError|at .*:\d+:\d+/);
});
