// Saved progress is the learner's own file, but it may be damaged, hostile or unwritable.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressPath } from '../../src/state/store.ts';
import { runBin } from '../e2e/cli.ts';
import { makeSandbox, repoRoot, type Sandbox } from '../e2e/pty.ts';

const quest = join(repoRoot, 'test/fixtures/journeys/quest');

let sandbox: Sandbox;
let progressFile: string;
beforeEach(async () => {
  sandbox = await makeSandbox();
  progressFile = progressPath('quest', sandbox.workspace, sandbox.env);
  await mkdir(dirname(progressFile), { recursive: true });
});
afterEach(async () => {
  await sandbox.cleanup();
});

const run = (args: string[]) => runBin([...args, '--journey', quest], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });

describe('damaged progress', () => {
  it('status says that it moved a damaged progress file aside, and where the copy is', async () => {
    await writeFile(progressFile, '{"schemaVersion": 1, "journeyId": "quest", trailing garbage');
    const result = await run(['status']);
    expect(result.exitCode).toBe(0);
    const copies = (await readdir(dirname(progressFile))).filter((name) => name.includes('.corrupt-'));
    expect(copies).toHaveLength(1);
    const copy = join(dirname(progressFile), copies[0]!);
    expect(await readFile(copy, 'utf8')).toContain('trailing garbage');
    expect(result.stderr).toContain(`Saved progress at ${progressFile} was damaged`);
    expect(result.stderr).toContain(`it was moved to ${copy}`);
  });

  it('status --json reports it as well', async () => {
    await writeFile(progressFile, '[]');
    const result = await run(['status', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).damaged).toMatch(/^Saved progress at .* was damaged \(not a JSON object\); it was moved to .*\.corrupt-/);
  });
});
