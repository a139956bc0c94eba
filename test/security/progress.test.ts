// Saved progress is the learner's own file, but it may be damaged, hostile or unwritable.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressPath } from '../../src/state/store.ts';
import { runBin } from '../e2e/cli.ts';
import { binPath, makeSandbox, repoRoot, type Sandbox } from '../e2e/pty.ts';

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

describe('entries that cannot be read', () => {
  it('null entries in steps, checks and history are left out with a notice; the rest is kept', async () => {
    const at = new Date().toISOString();
    const progress = {
      schemaVersion: 1,
      journeyId: 'quest',
      workspace: sandbox.workspace,
      startedAt: at,
      updatedAt: null,
      current: 'path',
      finished: false,
      choices: {},
      vars: { GUILD: { value: 'Knights', source: 'input', secret: false, at } },
      steps: { 'start#greet': null, 'start#other': { status: 'done', at } },
      checks: { start: null },
      history: [null, { chapter: 'start', at: null, outcome: 'completed' }],
    };
    for (const args of [['status'], ['map'], ['--dry-run', '--yes']]) {
      await writeFile(progressFile, JSON.stringify(progress));
      const result = await run(args);
      expect(result.stderr + result.stdout, args.join(' ')).not.toMatch(/hit a bug/);
      // Play shows it in a box: compare the words.
      const words = (result.stderr + result.stdout).replace(/[│\s]+/g, ' ');
      expect(words, args.join(' ')).toMatch(/had entries that could not be read \(step "start#greet", checks of "start", history entry 1\)/);
    }
    const status = await run(['status']);
    expect(status.stdout).toContain('GUILD=Knights');
    expect(status.stdout).toContain('Current chapter: The fork in the road [path]');
  });
});

// A read-only or full state folder, as a learner's machine can have it. Mounts need a user and
// mount namespace (unshare -rm), where even root meets a read-only folder.
const namespaces = spawnSync('unshare', ['-rm', 'true']).status === 0;
const inNamespace = (command: string) =>
  runBin(['sh', '-c', command], { cwd: sandbox.workspace, env: { ...sandbox.env, HJ_BIN: binPath, HJ_NODE: process.execPath, HJ_QUEST: quest }, node: 'unshare', bin: '-rm', timeoutMs: 60_000 });

describe.skipIf(!namespaces)('a state folder that cannot be written', () => {
  it('a read-only state folder is found before the first step runs', async () => {
    const state = dirname(progressFile);
    const result = await inNamespace(`bash -c 'mount --bind -o ro "${state}" "${state}" && exec "$HJ_NODE" "$HJ_BIN" --yes --no-sync --journey "$HJ_QUEST"'`);
    expect(result.stderr).toContain(`cannot save progress in ${state}`);
    expect(result.stderr).toMatch(/read-only file system/i);
    expect(result.stderr).not.toMatch(/hit a bug/);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain('Hello,');
  });

  it('damaged progress in a read-only folder is a clear error, and the file stays', async () => {
    await writeFile(progressFile, '{ not json');
    const state = dirname(progressFile);
    const result = await inNamespace(`bash -c 'mount --bind -o ro "${state}" "${state}" && exec "$HJ_NODE" "$HJ_BIN" status --journey "$HJ_QUEST"'`);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`saved progress at ${progressFile} is damaged (not valid JSON`);
    expect(result.stderr).toContain('cannot be moved aside');
    expect(result.stderr).not.toMatch(/hit a bug/);
    expect(await readFile(progressFile, 'utf8')).toBe('{ not json');
  });

  it('a full disk leaves no temp file and the last save as it was', async () => {
    const state = dirname(progressFile);
    const saved = JSON.stringify({ schemaVersion: 1, journeyId: 'quest', workspace: sandbox.workspace, startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', current: 'path', finished: false, choices: {}, vars: {}, steps: {}, checks: {}, history: [{ chapter: 'start', at: '2026-01-01T00:00:00.000Z', outcome: 'completed' }] });
    await writeFile(join(sandbox.root, 'saved.json'), saved);
    // A 64 KB file system, filled up but for one page (the lock takes it), holding the last save.
    const script = [
      `mount -t tmpfs -o size=64k tmpfs "${state}"`,
      `cp "${join(sandbox.root, 'saved.json')}" "${progressFile}"`,
      `dd if=/dev/zero of="${state}/filler" bs=4096 count=64 2>/dev/null; truncate -s -4096 "${state}/filler"`,
      `"$HJ_NODE" "$HJ_BIN" --yes --no-sync --choose path=forest --journey "$HJ_QUEST"; echo "exit=$?"`,
      `ls -a "${state}"`,
      `cmp "${progressFile}" "${join(sandbox.root, 'saved.json')}" && echo "progress unchanged"`,
    ].join('\n');
    await writeFile(join(sandbox.root, 'full.sh'), script);
    const result = await inNamespace(`bash "${join(sandbox.root, 'full.sh')}"`);
    expect(result.stderr).toMatch(/cannot save .*: ENOSPC: no space left on device/);
    expect(result.stderr).not.toMatch(/hit a bug/);
    expect(result.stdout).toContain('exit=1');
    expect(result.stdout).not.toMatch(/\.tmp\b/);
    expect(result.stdout).toContain('progress unchanged');
  });
});
