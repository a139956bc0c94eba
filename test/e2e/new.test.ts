import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { journeyId } from '../../src/commands/new.ts';
import { runBin } from './cli.ts';
import { makeSandbox, type Sandbox } from './pty.ts';

// `hero-journey new DIR`: an author's first journey, which lints clean and plays its paths.
let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(() => sandbox.cleanup());
const cli = (args: string[]) => runBin(args, { cwd: sandbox.workspace, env: sandbox.env });

test('creates a journey named after its folder that lints clean, ShellCheck included when installed', async () => {
  const created = await cli(['new', 'Cluster Basics']);
  expect(created.exitCode, created.stderr).toBe(0);
  expect(created.stdout).toContain('Created journey "cluster-basics" in \'Cluster Basics\': 8 files');
  expect(created.stdout).toContain("hero-journey show welcome --journey 'Cluster Basics' --watch");
  const dir = join(sandbox.workspace, 'Cluster Basics');
  const yaml = await readFile(join(dir, 'journey.yaml'), 'utf8');
  expect(yaml).toContain('id: cluster-basics');
  expect(yaml).toContain('title: "Cluster Basics"');
  expect(await readFile(join(dir, 'welcome.md'), 'utf8')).toContain('default: cluster-basics');
  expect(await readdir(join(dir, 'checks'))).toEqual(['greeting-stored.ts']);

  const lint = await cli(['lint', dir, '--json']);
  expect(lint.exitCode, lint.stdout).toBe(0);
  expect(JSON.parse(lint.stdout)).toMatchObject({ ok: true, problems: [] });
});

test('its paths play: each option to the end, the dead end back to the choice', async () => {
  await cli(['new', 'basics']);
  const dir = join(sandbox.workspace, 'basics');
  const events = async (choice: string) => {
    const played = await cli(['--journey', dir, '--dry-run', '--json', '--choose', `store=${choice}`]);
    return played.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; chapter?: string });
  };
  const chapters = (list: Array<{ event: string; chapter?: string }>) => list.filter((e) => e.event === 'chapter' || e.event === 'dead-end').map((e) => `${e.event}:${e.chapter}`);
  expect(chapters(await events('configmap'))).toEqual(['chapter:welcome', 'chapter:store', 'chapter:store/configmap', 'chapter:the-end']);
  expect(chapters(await events('secret'))).toEqual(['chapter:welcome', 'chapter:store', 'chapter:store/secret', 'chapter:the-end']);
  expect(chapters(await events('pigeon'))).toEqual(['chapter:welcome', 'chapter:store', 'chapter:store/carrier-pigeon', 'dead-end:store/carrier-pigeon', 'chapter:store']);
});

test('leaves existing files alone unless --force, and needs a folder', async () => {
  await cli(['new', 'mine']);
  const welcome = join(sandbox.workspace, 'mine', 'welcome.md');
  await writeFile(welcome, '---\ntitle: My own words\n---\n');
  const again = await cli(['new', 'mine']);
  expect(again.exitCode).toBe(1);
  expect(again.stderr).toContain('8 files of the journey exist already in');
  expect(again.stderr).toContain('hero-journey new ./another-journey');
  expect(await readFile(welcome, 'utf8')).toContain('My own words');
  expect((await cli(['new', 'mine', '--force'])).exitCode).toBe(0);
  expect(await readFile(welcome, 'utf8')).toContain('title: Welcome');

  const bare = await cli(['new']);
  expect(bare.exitCode).toBe(2);
  expect(bare.stderr).toContain('hero-journey new needs the folder to create the journey in');
});

test('journey ids come from folder names', () => {
  expect(journeyId('My K8s Journey')).toBe('my-k8s-journey');
  expect(journeyId('--x--')).toBe('x');
  expect(journeyId('101 things')).toBe('journey-101-things');
  expect(journeyId('日本')).toBe('journey-new');
});
