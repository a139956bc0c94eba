// Two plays in one workspace would run every step twice and the last save would win.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../e2e/cli.ts';
import { repoRoot, sandboxEachTest } from '../e2e/pty.ts';

const quest = join(repoRoot, 'test/fixtures/journeys/quest');

const { sandbox: current, open } = sandboxEachTest();

const lockFiles = async () => (await readdir(join(current().env.XDG_STATE_HOME!, 'hero-journey', 'quest')).catch(() => [] as string[])).filter((name) => name.endsWith('.lock'));
const secondPlay = () => runBin(['--yes', '--no-sync', '--journey', quest], { cwd: current().workspace, env: current().env, timeoutMs: 30_000 });

describe('one play per workspace', () => {
  it('a second play says who holds the workspace and exits; a killed play does not keep it', async () => {
    const first = open(['--no-sync', '--journey', quest]);
    await first.waitFor('Which guild', 30_000);
    expect(await lockFiles()).toHaveLength(1);

    const second = await secondPlay();
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`another hero-journey play is running in ${current().workspace} \\(process ${first.pty.pid} on this machine, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)`));
    expect(second.stderr).toMatch(new RegExp(`kill ${first.pty.pid}`));
    expect(second.stderr).not.toMatch(/hit a bug/);
    expect(second.stdout).not.toContain('GUILD =');

    // Killed without a chance to clean up: the lock is stale and the next play takes it over.
    first.kill('SIGKILL');
    await first.exitCode(15_000).catch(() => undefined);
    const third = await secondPlay();
    expect(third.stderr).not.toMatch(/another hero-journey play/);
    expect(third.stdout).toContain('GUILD = Wanderers');
    expect(await lockFiles()).toHaveLength(0);
  });

  it('a dry run needs no lock and runs beside a play', async () => {
    const first = open(['--no-sync', '--journey', quest]);
    await first.waitFor('Which guild', 30_000);
    const dry = await runBin(['--dry-run', '--yes', '--journey', quest], { cwd: current().workspace, env: current().env, timeoutMs: 30_000 });
    expect(dry.stderr).not.toMatch(/another hero-journey play/);
  });
});

describe('back and reset wait their turn', () => {
  it('refuse while a play holds the workspace, and change nothing', async () => {
    const first = open(['--no-sync', '--journey', quest]);
    await first.waitFor('Which guild', 30_000);
    first.press('enter');
    await first.waitFor("What is Hero's name", 30_000);
    first.press('enter');
    await first.waitFor('Prepare a greeting', 30_000);
    const progressDir = join(current().env.XDG_STATE_HOME!, 'hero-journey', 'quest');
    const saved = async () => (await readdir(progressDir)).filter((name) => name.endsWith('.json'));
    const before = await saved();
    expect(before.length).toBeGreaterThan(0);

    for (const command of [['back'], ['reset', '--yes']]) {
      const result = await runBin([...command, '--journey', quest], { cwd: current().workspace, env: current().env, timeoutMs: 30_000 });
      expect(result.exitCode, command.join(' ')).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`another hero-journey play is running in ${current().workspace}`));
      expect(result.stdout).not.toMatch(/Progress forgotten|Back at/);
    }
    expect(await saved()).toEqual(before);
  });
});
