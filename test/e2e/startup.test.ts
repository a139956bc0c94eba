// What keeps a cold start short: the bin's compile cache in the XDG cache folder, and a built
// Kubernetes client that loads only the classes hero-journey uses (never the generated API classes).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { runBin } from './cli.ts';
import { sourcesOf } from './built.ts';
import { binPath, makeSandbox, repoRoot, TerminalSession, type Sandbox } from './pty.ts';

vi.setConfig({ testTimeout: 60_000 });
const run = promisify(execFile);
const noChecks = fileURLToPath(new URL('../unit/checks/fixtures/no-checks', import.meta.url));
let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(() => sandbox.cleanup());

test('the compile cache lives in $XDG_CACHE_HOME/hero-journey/compile', async () => {
  const result = await runBin(['--help'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(result).toMatchObject({ exitCode: 0, stderr: '' });
  expect(readdirSync(join(sandbox.env.XDG_CACHE_HOME!, 'hero-journey', 'compile')).length).toBeGreaterThan(0);
});

test('a cache folder that cannot be made only means no compile cache', async () => {
  const blocked = join(sandbox.root, 'a-file');
  writeFileSync(blocked, '');
  const result = await runBin(['--help'], { cwd: sandbox.workspace, env: { ...sandbox.env, XDG_CACHE_HOME: blocked } });
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^hero-journey: /);
});

/**
 * The module files a built hero-journey run loads (as file: URLs) and Node's own internal modules
 * (process.moduleLoadList), written down by a loader hook. The kubeconfig points at a server that
 * is not there: doctor asks it, fails and exits 1; what matters is what it loaded to ask.
 */
async function loadedBy(args: string[]): Promise<{ files: string[]; internals: string[] }> {
  mkdirSync(join(sandbox.home, '.kube'));
  writeFileSync(
    sandbox.env.KUBECONFIG!,
    'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n',
  );
  const list = join(sandbox.root, 'loaded.txt');
  const internals = join(sandbox.root, 'internals.txt');
  const hook = join(sandbox.root, 'hook.mjs');
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';\nimport { appendFileSync, writeFileSync } from 'node:fs';\n` +
      `registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(list)}, url + '\\n'); return next(url, context); } });\n` +
      `process.on('exit', () => writeFileSync(${JSON.stringify(internals)}, process.moduleLoadList.join('\\n')));\n`,
  );
  await run(process.execPath, ['--import', pathToFileURL(hook).href, binPath, ...args], { cwd: sandbox.workspace, env: sandbox.env }).catch((error: { code?: number }) =>
    expect(error.code).toBe(1),
  );
  return { files: readFileSync(list, 'utf8').split('\n'), internals: readFileSync(internals, 'utf8').split('\n') };
}

test('--version answers from the bin alone: no other file loads, and it needs no compile cache', async () => {
  const { files } = await loadedBy(['--version']);
  expect(files.filter(Boolean)).toEqual([pathToFileURL(binPath).href]);
  const result = await runBin(['--version'], { cwd: sandbox.workspace, env: sandbox.env });
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  expect(result).toMatchObject({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  expect(existsSync(join(sandbox.env.XDG_CACHE_HOME!, 'hero-journey', 'compile'))).toBe(false);
  // -v is the same; anything more goes through the parser, which says what is wrong.
  expect((await runBin(['-v'], { cwd: sandbox.workspace, env: sandbox.env })).stdout).toBe(`${version}\n`);
  expect(await runBin(['--version', '--bogus'], { cwd: sandbox.workspace, env: sandbox.env })).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('--bogus') });
});

test('--help answers from the bin with the help text alone, the same text the parser path prints', async () => {
  const { files } = await loadedBy(['--help']);
  // The help text and the options table, bundled with the entry's few modules (no parser, no terminal guard): one file and the bin's.
  expect([...new Set(files.flatMap(sourcesOf))].sort()).toEqual(['src/cli/help.ts', 'src/cli/index.ts', 'src/cli/options.ts', 'src/errors.ts', 'src/version.ts']);
  expect(files.filter(Boolean)).toHaveLength(3);
  const viaParser = await runBin(['help'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(viaParser).toMatchObject({ exitCode: 0, stderr: '' });
  expect(viaParser.stdout).toMatch(/^hero-journey: .*\n\nUsage: hero-journey \[command\] \[options\]/s);
  for (const flag of ['--help', '-h']) expect(await runBin([flag], { cwd: sandbox.workspace, env: sandbox.env })).toMatchObject({ exitCode: 0, stdout: viaParser.stdout, stderr: '' });
  // With more than the flag it goes through the parser: a command's help, or what is wrong.
  expect((await runBin(['--help', 'verify'], { cwd: sandbox.workspace, env: sandbox.env })).stdout).toMatch(/^Usage: hero-journey verify/);
});

test('talking to a cluster loads the bundled client, not the whole @kubernetes/client-node package', async () => {
  const { files } = await loadedBy(['doctor', '--journey', noChecks]);
  expect(files).toContain(pathToFileURL(join(repoRoot, 'dist', 'kube', 'client-node.js')).href);
  expect(files.filter((url) => url.includes('/node_modules/@kubernetes/client-node/'))).toEqual([]);
});

test('check of a cached journey loads neither the Markdown renderer nor the play loop: they share no file with what it needs', async () => {
  // The first run parses the journey (with marked) and caches its model, as on every start after the first.
  expect((await runBin(['check', '--journey', noChecks], { cwd: sandbox.workspace, env: sandbox.env })).exitCode).toBe(0);
  const { files } = await loadedBy(['check', '--journey', noChecks]);
  expect(files.filter((url) => url.includes('/node_modules/marked/'))).toEqual([]);
  expect(files.flatMap(sourcesOf).filter((m) => ['src/play/loop.ts', 'src/render/markdown.ts'].includes(m))).toEqual([]);
  expect(files.flatMap(sourcesOf)).toContain('src/commands/check.ts');
});

test("doctor probes tools without execa, talks to the cluster without Node's own copy of undici, and loads the text and YAML libraries bundled", async () => {
  // A journey that needs a tool, so doctor runs a version probe: node itself, which is on PATH.
  const journey = join(sandbox.root, 'journey');
  mkdirSync(journey);
  writeFileSync(join(journey, 'journey.yaml'), 'id: probes\ntitle: Probes\nstart: start\ntools:\n  - name: node\n    version: ">=22"\n');
  writeFileSync(join(journey, 'start.md'), '---\ntitle: Start\n---\n\n# Start\n');
  const { files, internals } = await loadedBy(['doctor', '--journey', journey]);
  expect(files).toContain(pathToFileURL(join(repoRoot, 'dist', 'kube', 'client-node.js')).href);
  // execa is some 150 modules; an ESM import of node:http loads Node's bundled undici (fetch, WebSocket) as well.
  expect(files.filter((url) => url.includes('/node_modules/execa/'))).toEqual([]);
  expect(internals.filter((name) => name.includes('undici'))).toEqual([]);
  // Its report (✔, ✘, quotes and dashes) is measured without string-width, which builds an Intl.Segmenter when loaded.
  expect(files).toContain(pathToFileURL(join(repoRoot, 'dist', 'render', 'text-libs.js')).href);
  expect(files.filter((url) => url.includes('/node_modules/string-width/'))).toEqual([]);
  // The kubeconfig is read with the YAML parser bundled into one file, not its seventy.
  expect(files).toContain(pathToFileURL(join(repoRoot, 'dist', 'yaml.js')).href);
  expect(files.filter((url) => url.includes('/node_modules/yaml/'))).toEqual([]);
});

test("play's first chapter is on screen before the check engine, the step runner, highlight.js, the expression language or doctor's preflight loads, and the preflight then starts", async () => {
  expect((await runBin(['init'], { cwd: sandbox.workspace, env: sandbox.env })).exitCode).toBe(0);
  // The journey's model is cached as on every start after the first (parsing it evaluates its expressions).
  expect((await runBin(['map'], { cwd: sandbox.workspace, env: sandbox.env })).exitCode).toBe(0);
  // Each file that loads is written down with whether the first question ("? ...") was on the terminal by then.
  const list = join(sandbox.root, 'loaded.txt');
  const hook = join(sandbox.root, 'hook.mjs');
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\n` +
      `let shown = '', asked = false;\nconst write = process.stdout.write.bind(process.stdout);\n` +
      `process.stdout.write = (chunk, ...rest) => { shown += String(chunk); asked ||= /^\\? /m.test(shown.replace(/\\u001b\\[[0-9;?]*[A-Za-z]/g, '')); return write(chunk, ...rest); };\n` +
      `registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(list)}, (asked ? 'after ' : 'before ') + url + '\\n'); return next(url, context); } });\n`,
  );
  const session = new TerminalSession([], { cwd: sandbox.workspace, env: { ...sandbox.env, NODE_OPTIONS: `--import=${pathToFileURL(hook).href}` } });
  try {
    await session.waitFor(/^\? /m, 30_000);
    const dist = (file: string) => pathToFileURL(join(repoRoot, 'dist', file)).href;
    const loaded = (when: string) => readFileSync(list, 'utf8').split('\n').filter((line) => line.startsWith(`${when} `)).map((line) => line.slice(when.length + 1));
    // Doctor's preflight loads once the question is on screen, while the learner reads and answers.
    await expect.poll(() => loaded('after').flatMap(sourcesOf), { timeout: 30_000 }).toContain('src/checks/doctor.ts');
    const before = loaded('before');
    const sourcesBefore = before.flatMap(sourcesOf);
    expect(sourcesBefore).toContain('src/play/loop.ts');
    const tooEarly = ['checks/engine.ts', 'checks/gate.ts', 'checks/modules.ts', 'checks/exec.ts', 'checks/doctor.ts', 'steps/run.ts', 'steps/live.ts', 'kube/kubeconfig.ts', 'render/hljs.ts', 'cel.ts'].map((m) => `src/${m}`);
    expect(sourcesBefore.filter((m) => tooEarly.includes(m))).toEqual([]);
    expect(before.filter((url) => url.includes('/node_modules/semver/') || url === 'node:child_process')).toEqual([]);
    // Some sixty of its own modules come in a few bundled files (each file costs Node's loader as much as a module).
    expect(before.filter((url) => url.startsWith(dist(''))).length).toBeLessThanOrEqual(10);
    expect(sourcesBefore.length).toBeGreaterThan(50);
    // The question's prompt library is one bundled file, not @inquirer/core's modules and packages.
    expect(before).toContain(dist('inquirer.js'));
    expect(before.filter((url) => /\/node_modules\/(@inquirer|mute-stream|signal-exit|cli-width)\//.test(url))).toEqual([]);
  } finally {
    session.kill();
  }
});
