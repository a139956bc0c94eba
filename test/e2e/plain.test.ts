// A plain Markdown tutorial (no journey.yaml, no front matter) played for real by the built CLI:
// its `git clone ... && cd hero` step leaves the next steps in the clone, a plain assignment
// reaches the next block, placeholders are inputs, and a transcript runs its `$ ` lines only.
// The repository is a local bare one made here (file://): nothing comes from the internet.

import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PlayEvent } from '../../src/play/loop.ts';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot, TerminalSession, type Sandbox } from './pty.ts';

const tutorial = join(repoRoot, 'test', 'fixtures', 'plain', 'getting-started');

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(() => sandbox.cleanup());

/** A bare Git repository with the build and configure scripts the tutorial runs; its file:// URL. */
async function heroRepository(): Promise<string> {
  const source = join(sandbox.root, 'hero-source');
  await mkdir(source);
  await writeFile(join(source, 'build.sh'), '#!/bin/sh\nmkdir -p dist\necho built > "dist/$1.txt"\n', { mode: 0o755 });
  await writeFile(join(source, 'configure.sh'), '#!/bin/sh\necho "greeting=$1" > config.txt\n', { mode: 0o755 });
  const git = (args: string[], cwd: string) => execFileSync('git', ['-c', 'user.name=Hero', '-c', 'user.email=hero@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, env: sandbox.env, stdio: 'pipe' });
  git(['init', '-q'], source);
  git(['add', '.'], source);
  git(['commit', '-q', '-m', 'Hero'], source);
  git(['clone', '-q', '--bare', source, join(sandbox.root, 'hero.git')], sandbox.root);
  return `file://${join(sandbox.root, 'hero.git')}`;
}

function eventsOf(stdout: string): PlayEvent[] {
  return stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as PlayEvent);
}

describe('a plain tutorial played for real', () => {
  test('clone and cd, an assignment and placeholders carry from block to block as in one terminal', async () => {
    const url = await heroRepository();
    const run = await runBin(['--journey', tutorial, '--yes', '--json', '--no-color', '--set', `REPOSITORY_URL=${url}`, '--set', 'GREETING=hello'], {
      cwd: sandbox.workspace,
      env: sandbox.env,
      timeoutMs: 120_000,
    });
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
    const events = eventsOf(run.stdout);
    expect(events[0]).toMatchObject({ event: 'inferred', journey: 'getting-started' });
    expect(run.stderr).toContain('This journey was inferred from plain Markdown');
    expect(events.filter((event) => event.event === 'step').map((event) => [event.chapter, event.step, event.status])).toEqual([
      ['README', 'step-1', 'done'],
      ['README', 'step-2', 'done'],
      ['README', 'step-3', 'done'],
      ['docs/configure', 'step-1', 'done'],
      ['docs/configure', 'step-2', 'done'],
    ]);
    // The build ran inside the clone, with the name the earlier block assigned.
    expect(await readFile(join(sandbox.workspace, 'hero', 'dist', 'hero-dev.txt'), 'utf8')).toBe('built\n');
    expect(await readFile(join(sandbox.workspace, 'hero', 'config.txt'), 'utf8')).toBe('greeting=hello\n');
    expect(events.at(-1)).toEqual({ event: 'end', journey: 'getting-started' });
  }, 150_000);

  test('a transcript-heavy README runs its `$ ` lines and shows the rest as output', async () => {
    const cli = join(repoRoot, 'test', 'fixtures', 'plain', 'cli-readme');
    const run = await runBin(['--journey', cli, '--yes', '--json', '--no-color', '--set', 'HERO_NAME=you'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
    // Output lines such as `hello from hero` would fail as commands: every step succeeded.
    expect(eventsOf(run.stdout).filter((event) => event.event === 'step').map((event) => event.status)).toEqual(['done', 'done', 'done']);
    expect(await readFile(join(sandbox.workspace, 'greeting.txt'), 'utf8')).toBe('hello from you\n');
    expect(run.stderr).toContain('hello from world');
  }, 150_000);

  test('lint lists what it inferred and what it could not decide, with file:line, once the notice says how to make it explicit', async () => {
    const text = await runBin(['lint', tutorial, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(text.exitCode, text.stdout + text.stderr).toBe(0);
    expect(text.stdout.startsWith('This journey was inferred from plain Markdown (no journey.yaml). To make it explicit, add a journey.yaml')).toBe(true);
    expect(text.stdout).toContain('README.md:15  inferred: input `REPOSITORY_URL` for the placeholder `<repository-url>`');
    expect(text.stdout).toContain('README.md:38  inferred: next: docs/configure (the closing "Configure Hero" link)');
    expect(text.stdout).toContain('docs/configure.md:23  undecided: the page ends with a link to `docs/faq.md` that does not say "next" or "continue"');
    const json = await runBin(['lint', tutorial, '--json'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    const report = JSON.parse(json.stdout) as { ok: boolean; inferred: { file: string; line: number; kind: string; message: string }[] };
    expect(report.ok).toBe(true);
    expect(report.inferred).toContainEqual({ file: 'docs/configure.md', line: 12, kind: 'inferred', message: 'step 2 from a `console` block (a transcript: its `$ ` lines run, the rest is output)' });
  }, 90_000);

  test('the start notice and lint say what the journey was inferred from: a scenario\'s index.json, documentation-site pages, plain Markdown', async () => {
    const cases = [
      { fixture: 'killercoda-scenario', from: 'scenario', says: "This journey was inferred from a Killercoda scenario's index.json (no journey.yaml)" },
      { fixture: 'docs-site', from: 'docs-site', says: 'This journey was inferred from the pages of a documentation site' },
      { fixture: 'cli-readme', from: 'plain', says: 'This journey was inferred from plain Markdown (no journey.yaml)' },
    ];
    for (const { fixture, from, says } of cases) {
      const dir = join(repoRoot, 'test', 'fixtures', 'plain', fixture);
      await mkdir(join(sandbox.root, fixture));
      const run = await runBin(['--journey', dir, '--dry-run', '--json', '--no-color', '--workspace', join(sandbox.root, fixture), '--set', 'HERO_NAME=x', '--set', 'DOMAIN=x'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
      expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
      expect(eventsOf(run.stdout)[0], fixture).toMatchObject({ event: 'inferred', from, message: expect.stringContaining(says) as unknown });
      // The callout wraps the notice in a box: compare its words.
      const shown = run.stderr.replace(/[\s│|]+/g, ' ');
      expect(shown, fixture).toContain(says);
      if (from !== 'plain') expect(shown, fixture).not.toContain('plain Markdown (no journey.yaml)');
      const lint = await runBin(['lint', dir, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
      expect(lint.stdout.startsWith(says), lint.stdout.slice(0, 300)).toBe(true);
      const json = await runBin(['lint', dir, '--json'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
      expect(JSON.parse(json.stdout), fixture).toMatchObject({ inferredFrom: from });
    }
  }, 300_000);

  test('a workshop of parts that each start on their own: the parts are the first choice, and play --from starts at one', async () => {
    const workshop = join(repoRoot, 'test', 'fixtures', 'plain', 'workshop-parts');
    const from = await runBin(['--journey', workshop, '--from', 'part-2-ship', '--yes', '--json', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(from.exitCode, from.stderr.slice(-3000)).toBe(0);
    const events = eventsOf(from.stdout);
    expect(events.filter((event) => event.event === 'chapter').map((event) => event.chapter)).toEqual(['part-2-ship', 'part-2-ship/check']);
    expect(events.filter((event) => event.event === 'step').map((event) => [event.chapter, event.status])).toEqual([['part-2-ship', 'done'], ['part-2-ship/check', 'done']]);
    expect(await readFile(join(sandbox.workspace, 'workshop', 'ship', 'package.txt'), 'utf8')).toBe('hero\n');
    // In a terminal, the start page asks where to start.
    await mkdir(join(sandbox.root, 'choose'));
    const t = new TerminalSession(['--journey', workshop, '--dry-run', '--workspace', join(sandbox.root, 'choose')], { cwd: sandbox.workspace, env: sandbox.env });
    try {
      await t.waitFor(/Part 1: Build Hero[\s\S]*Part 2: Ship Hero/, 30_000);
    } finally {
      t.kill();
    }
  }, 150_000);

  test('in a terminal: the notice, then the placeholder asked as an input, then the transcript steps', async () => {
    const cli = join(repoRoot, 'test', 'fixtures', 'plain', 'cli-readme');
    const t = new TerminalSession(['--journey', cli], { cwd: sandbox.workspace, env: sandbox.env });
    try {
      await t.waitFor('This journey was inferred from plain Markdown', 30_000);
      await t.waitFor('Value for HERO_NAME=<your-name>', 30_000);
      t.press('Ada', 'enter');
      for (let step = 1; step <= 3; step++) {
        await t.waitFor(new RegExp(`Step ${step} of 3[\\s\\S]*Run this step\\?`), 30_000);
        t.press('enter');
      }
      await t.waitFor('The end of this journey', 30_000);
      expect(await t.exitCode(30_000)).toBe(0);
    } finally {
      t.kill();
    }
    expect(await readFile(join(sandbox.workspace, 'greeting.txt'), 'utf8')).toBe('hello from Ada\n');
  }, 150_000);

  test('sections for some readers: --set answers the question, and the steps of the sections that do not apply are skipped', async () => {
    const cloud = join(repoRoot, 'test', 'fixtures', 'plain', 'cloud-setup');
    const run = await runBin(['--journey', cloud, '--yes', '--json', '--no-color', '--set', 'USING_EKS=yes', '--set', 'USING_NIP_IO=yes'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
    const steps = eventsOf(run.stdout).filter((event) => event.event === 'step');
    expect(steps.map((event) => [event.chapter, event.step, event.status])).toEqual([
      ['README', 'step-1', 'done'],
      ['README', 'step-2', 'done'],
      ['README', 'step-3', 'skipped'],
      ['open', 'step-1', 'done'],
      ['open', 'step-2', 'done'],
    ]);
    expect(steps[2]).toMatchObject({ reason: 'the page says "Skip this section if you chose nip.io", and you answered yes' });
    expect((await readFile(join(sandbox.workspace, 'seen.txt'), 'utf8')).split('\n').filter(Boolean)).toEqual(['base.txt', 'eks-role.txt', 'eks-waited.txt']);
    // Without an answer and without a terminal, play names the flag to pass.
    await mkdir(join(sandbox.root, 'other'));
    const unanswered = await runBin(['--journey', cloud, '--yes', '--no-color', '--workspace', join(sandbox.root, 'other')], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(unanswered.exitCode).toBe(2);
    expect(unanswered.stderr).toContain('pass --set USING_EKS=<value>');
  }, 150_000);

  test('in a terminal: a section\'s question is asked once, on the first page that needs it, and remembered on the next', async () => {
    const cloud = join(repoRoot, 'test', 'fixtures', 'plain', 'cloud-setup');
    const t = new TerminalSession(['--journey', cloud], { cwd: sandbox.workspace, env: sandbox.env });
    try {
      await t.waitFor('Do you use EKS? (yes or no)', 30_000);
      t.press('maybe', 'enter');
      await t.waitFor('answer yes or no', 30_000);
      t.press('backspace', 'backspace', 'backspace', 'backspace', 'backspace', 'no', 'enter');
      await t.waitFor('Did you choose nip.io? (yes or no)', 30_000);
      t.press('no', 'enter');
      for (let ran = 0; ran < 2; ran++) {
        await t.waitFor(/Run this step\?\s*$/m, 30_000);
        t.press('enter');
        await t.waitFor(new RegExp(`Step ${ran === 0 ? 1 : 3} of 3[\\s\\S]*done`), 30_000);
      }
      await t.waitFor(/Next|Continue|Open Hero/, 30_000);
      t.press('enter');
      await t.waitFor(/Step 2 of 2[\s\S]*Run this step\?/, 30_000);
      t.press('enter');
      await t.waitFor('The end of this journey', 30_000);
      expect(await t.exitCode(30_000)).toBe(0);
      const screen = await t.screen();
      expect(screen.split('Do you use EKS?').length - 1, screen).toBe(1);
    } finally {
      t.kill();
    }
    expect((await readFile(join(sandbox.workspace, 'seen.txt'), 'utf8')).split('\n').filter(Boolean)).toEqual(['base.txt', 'dns-record.txt']);
  }, 150_000);

  test('convert writes the tutorial down as a journey that plays the same path, and never overwrites without --force', async () => {
    const url = await heroRepository();
    const out = join(sandbox.root, 'getting-started-journey');
    const converted = await runBin(['convert', tutorial, '--out', out, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(converted.exitCode, converted.stderr).toBe(0);
    expect(converted.stdout).toContain('README.md is now index.md');
    expect(converted.stdout).toContain('Not chapters (listed under exclude: in journey.yaml): docs/faq.md');
    const lint = await runBin(['lint', out, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(lint.stdout).toContain('journey "getting-started" (2 chapters): no problems');
    expect(lint.stdout).not.toContain('inferred');

    const play = async (journey: string, workspace: string) => {
      await mkdir(workspace, { recursive: true });
      const run = await runBin(['--journey', journey, '--yes', '--json', '--no-color', '--no-sync', '--set', `REPOSITORY_URL=${url}`, '--set', 'GREETING=hello'], { cwd: workspace, env: sandbox.env, timeoutMs: 120_000 });
      expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
      expect(await readFile(join(workspace, 'hero', 'config.txt'), 'utf8')).toBe('greeting=hello\n');
      return eventsOf(run.stdout)
        .filter((event) => event.event === 'chapter' || event.event === 'step' || event.event === 'input')
        .map((event) => JSON.stringify(event).replaceAll('"README"', '"START"').replaceAll('"index"', '"START"'));
    };
    const plainPath = await play(tutorial, join(sandbox.root, 'play-plain'));
    expect(plainPath.length).toBeGreaterThan(5);
    expect(await play(out, join(sandbox.root, 'play-converted'))).toEqual(plainPath);

    // Never over what exists without --force: a folder that is not empty, or the tutorial itself.
    const again = await runBin(['convert', tutorial, '--out', out, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('exists and is not empty: convert does not overwrite it');
    const copy = join(sandbox.root, 'copy');
    await runBin(['convert', tutorial, '--out', copy], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    const inPlace = await runBin(['convert', out, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(inPlace.exitCode).toBe(1);
    expect(inPlace.stderr).toContain('is a journey already: it has a journey.yaml');
    const plainCopy = join(sandbox.root, 'plain-copy');
    await mkdir(plainCopy);
    await writeFile(join(plainCopy, 'README.md'), '# T\n\n```sh\necho hi\n```\n');
    const refused = await runBin(['convert', plainCopy, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('convert would rewrite 1 page of');
    expect(await readFile(join(plainCopy, 'README.md'), 'utf8')).toBe('# T\n\n```sh\necho hi\n```\n');
    const forced = await runBin(['convert', plainCopy, '--force', '--json'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(JSON.parse(forced.stdout)).toMatchObject({ written: ['journey.yaml', 'index.md'], renamed: { from: 'README.md', to: 'index.md' } });
    const help = await runBin(['convert', '--help'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(help.stdout).toContain('hero-journey convert DIR [--out DIR2]');
    expect(help.stdout).toContain('--out DIR');
  }, 300_000);

  test('a Killercoda scenario plays as a journey: its scripts are steps, shown and run only with consent, its verify script last', async () => {
    const scenario = join(repoRoot, 'test', 'fixtures', 'plain', 'killercoda-scenario');
    // Without a terminal and without --yes, nothing of the scenario runs: not even its setup script.
    const shown = await runBin(['--journey', scenario, '--json', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(eventsOf(shown.stdout).filter((event) => event.event === 'step' && event.status === 'done')).toEqual([]);
    await expect(readFile(join(sandbox.workspace, 'scenario', 'prepared.txt'), 'utf8')).rejects.toThrow();
    expect(shown.stderr).toContain('Prepare: setup.sh');

    const run = await runBin(['--journey', scenario, '--yes', '--json', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
    const events = eventsOf(run.stdout);
    expect(events.filter((event) => event.event === 'chapter').map((event) => event.chapter)).toEqual(['intro', 'step1', 'step2', 'finish']);
    expect(events.filter((event) => event.event === 'step').map((event) => [event.chapter, event.title ?? event.step, event.status])).toEqual([
      ['intro', 'Prepare: setup.sh', 'done'],
      ['step1', 'step-1', 'done'],
      ['step1', 'step-2', 'done'],
      ['step1', 'Verify: step1/verify.sh', 'done'],
      ['step2', 'step-1', 'done'],
    ]);
    expect(events.some((event) => event.event === 'checks')).toBe(false);
    expect(await readFile(join(sandbox.workspace, 'scenario', 'seen.txt'), 'utf8')).toBe('kind: Deployment\nmetadata:\n  name: hero\n');
    // The unmarked `rm -rf scenario` block was shown, never run.
    expect(await readFile(join(sandbox.workspace, 'scenario', 'prepared.txt'), 'utf8')).toBe('ready\n');
  }, 300_000);

  test('a converted Killercoda scenario plays as the scenario does: the same steps and files, its scripts still run only with consent', async () => {
    const scenario = join(repoRoot, 'test', 'fixtures', 'plain', 'killercoda-scenario');
    const out = join(sandbox.root, 'scenario-journey');
    const converted = await runBin(['convert', scenario, '--out', out, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(converted.exitCode, converted.stderr).toBe(0);
    expect(converted.stdout).toContain('removed: index.json, step1/text.md, step2/text.md');
    const play = async (journey: string, name: string, yes: boolean) => {
      const workspace = join(sandbox.root, name);
      await mkdir(workspace);
      const run = await runBin(['--journey', journey, ...(yes ? ['--yes'] : []), '--json', '--no-color'], { cwd: workspace, env: sandbox.env, timeoutMs: 120_000 });
      const steps = eventsOf(run.stdout).filter((event) => event.event === 'step').map((event) => [event.chapter, event.title ?? event.step, event.status]);
      const seen = await readFile(join(workspace, 'scenario', 'seen.txt'), 'utf8').catch(() => 'nothing');
      return { exitCode: run.exitCode, steps, seen };
    };
    for (const yes of [false, true]) {
      const original = await play(scenario, `original-${yes}`, yes);
      expect(await play(out, `converted-${yes}`, yes)).toEqual(original);
      if (!yes) expect(original.steps.filter((step) => step[2] === 'done')).toEqual([]);
      else expect(original.seen).toBe('kind: Deployment\nmetadata:\n  name: hero\n');
    }
  }, 300_000);

  test('in a terminal: a scenario\'s setup script is shown in full before the learner is asked to run it', async () => {
    const scenario = join(repoRoot, 'test', 'fixtures', 'plain', 'killercoda-scenario');
    const t = new TerminalSession(['--journey', scenario], { cwd: sandbox.workspace, env: sandbox.env });
    try {
      const screen = await t.waitFor(/Prepare: setup\.sh[\s\S]*mkdir -p scenario && echo ready > scenario\/prepared\.txt[\s\S]*Run this step\?/, 30_000);
      expect(screen).toContain('Step 1 of 1');
      await expect(readFile(join(sandbox.workspace, 'scenario', 'prepared.txt'), 'utf8')).rejects.toThrow();
      t.press('enter');
      await t.waitFor(/Next|Write the manifest/, 30_000);
    } finally {
      t.kill();
    }
    expect(await readFile(join(sandbox.workspace, 'scenario', 'prepared.txt'), 'utf8')).toBe('ready\n');
  }, 150_000);

  test('without journey.yaml or a README, the folder is refused with what to do', async () => {
    const empty = join(sandbox.root, 'notes');
    await mkdir(empty);
    await writeFile(join(empty, 'a.md'), '# A\n');
    const run = await runBin(['--journey', empty, '--dry-run', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('no README.md or index.md to start a plain tutorial at');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
