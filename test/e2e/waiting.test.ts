// The wait for a chapter's checks in a real pseudo-terminal: the learner is never trapped in it.
// A key stops the countdown and offers check now, wait again, skip, back to the last choice and
// quit; a chapter whose step was skipped, or whose checks failed before, does not count down.
// The check here reads no cluster (a file in the workspace), so no control plane is needed.
import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { sandboxEachTest, type Sandbox, type TerminalSession } from './pty.ts';

const { sandbox: current, open } = sandboxEachTest();
let sandbox: Sandbox;
let journey: string;

beforeEach(async () => {
  sandbox = current();
  journey = join(sandbox.root, 'flagpole');
  await mkdir(join(journey, 'checks'), { recursive: true });
  await writeFile(join(journey, 'journey.yaml'), 'id: flagpole\ntitle: The Flagpole\nstart: fork\n');
  await writeFile(
    join(journey, 'fork.md'),
    '---\ntitle: The fork\nchoices:\n  - id: plant\n    label: Plant the flag\n    goto: plant\n  - id: walk\n    label: Walk on\n    goto: walk\n---\n\nWhere now?\n',
  );
  // A ten-minute timeout: a test that waited for it would time out.
  await writeFile(
    join(journey, 'plant.md'),
    '---\ntitle: Plant the flag\nchecks:\n  - use: flag\n    timeout: 600\n---\n\n```sh title="Plant it"\necho planting\n```\n',
  );
  await writeFile(join(journey, 'walk.md'), '---\ntitle: Walk on\n---\n\nHero walks on.\n');
  await writeFile(
    join(journey, 'checks', 'flag.js'),
    "import { existsSync } from 'node:fs';\nimport { join } from 'node:path';\n" +
      "export default { id: 'flag', title: 'The flag stands', run: () => existsSync(join(process.cwd(), 'flag')) ? { ok: true, reason: 'it stands' } : { ok: false, reason: 'no flag yet' } };\n",
  );
});

function play(): TerminalSession {
  return open(['--journey', journey, '--trust', '--no-color'], { env: { HERO_JOURNEY_SYNC: '0' } });
}

function count(text: string, what: string): number {
  return text.split(what).length - 1;
}

async function progress(): Promise<{ choices: Record<string, { choice: string }>; checks: Record<string, { status: string }>; steps: Record<string, { status: string; by?: string }> }> {
  const dir = join(sandbox.env.XDG_STATE_HOME!, 'hero-journey', 'flagpole');
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  return JSON.parse(await readFile(join(dir, file!), 'utf8'));
}

const STOP_HINT = 'Press any key to stop waiting';
const MENU = 'The checks did not pass. What now?';

/** Pick "Plant the flag", run its step, and wait until the countdown runs. */
async function plantAndWait(t: TerminalSession): Promise<void> {
  await t.waitFor('The fork: what is your choice?');
  t.press('enter');
  await t.waitFor(/Plant it[\s\S]*Run this step\?/);
  t.press('enter');
  await t.waitFor(STOP_HINT);
  await t.waitFor(/\d:\d\d . The flag stands . no flag yet/);
}

/** Press a key during the countdown and wait for the menu. */
async function stopWaiting(t: TerminalSession): Promise<string> {
  t.press('x');
  return t.waitFor(MENU);
}

describe('waiting for checks', () => {
  test('any key stops the countdown; wait again, stop again, then check now once the learner fixed it', async () => {
    const t = play();
    await plantAndWait(t);
    let screen = await stopWaiting(t);
    expect(screen).toContain('You stopped waiting.');
    expect(screen).toMatch(/Check again now[\s\S]*Wait for it \(up to 10 min; any key stops waiting\)[\s\S]*Skip the checks[\s\S]*Back to the last choice \("The fork"\)[\s\S]*Quit/);
    t.press('w'); // Wait for it
    await t.waitFor(new RegExp(`${MENU}[\\s\\S]*${STOP_HINT}`));
    t.press(' ');
    screen = await t.waitFor(new RegExp(`${MENU}[\\s\\S]*${MENU}`));
    expect(count(screen, 'You stopped waiting.')).toBe(2);
    await writeFile(join(sandbox.workspace, 'flag'), '');
    t.press('enter'); // Check again now: one look, no countdown
    await t.waitFor('The flag stands: it stands');
    await t.waitFor('The end of this journey');
    expect(await t.exitCode()).toBe(0);
    expect(count(await t.screen(), STOP_HINT)).toBe(2);
    expect((await progress()).checks.plant?.status).toBe('passed');
  });

  test('back to the last choice from a wait: the choice is asked again and the other branch can be taken', async () => {
    const t = play();
    await plantAndWait(t);
    await stopWaiting(t);
    t.press('b'); // Back to the last choice
    const screen = await t.waitFor(/What now\?[\s\S]*The fork: what is your choice\?/);
    expect(screen).not.toContain('The end of this journey');
    t.press('down', 'enter'); // Walk on
    await t.waitFor('The end of this journey');
    expect(await t.exitCode()).toBe(0);
    const saved = await progress();
    expect(saved.choices.fork?.choice).toBe('walk');
  });

  test('a skipped step: the checks look once and say why they do not wait; resuming neither waits nor offers the skipped step again', async () => {
    const first = play();
    await first.waitFor('The fork: what is your choice?');
    first.press('enter');
    await first.waitFor(/Plant it[\s\S]*Run this step\?/);
    first.press('down', 'enter'); // Skip it
    let screen = await first.waitFor(MENU);
    expect(screen).toMatch(/Not waiting: step 1 \(Plant it\) was skipped/);
    expect(screen).not.toContain(STOP_HINT);
    first.press('q'); // Quit
    expect(await first.exitCode()).toBe(1);
    expect((await progress()).steps['plant#step-1']).toMatchObject({ status: 'skipped', by: 'learner' });

    const second = play();
    await second.waitFor(/You skipped this step earlier\. Run it now\?/);
    expect(await second.screen()).toMatch(/Skipped step 1 of 1 \(Plant it\): you skipped it earlier/);
    second.press('enter'); // No, leave it skipped
    screen = await second.waitFor(MENU);
    // The checks failed here before: one look, then the learner decides.
    expect(screen).not.toContain(STOP_HINT);
    second.press('s'); // Skip the checks
    await second.waitFor('Go on without proof');
    second.press('y', 'enter');
    await second.waitFor('The end of this journey');
    expect(await second.exitCode()).toBe(0);
    expect((await progress()).checks.plant?.status).toBe('skipped');
  });

  test('on resume, steps done earlier say "done"', async () => {
    const first = play();
    await plantAndWait(first);
    await stopWaiting(first);
    first.press('q'); // Quit
    expect(await first.exitCode()).toBe(1);

    const second = play();
    const screen = await second.waitFor(MENU);
    expect(screen).toMatch(/✔ Step 1 of 1 \(Plant it\): done earlier/);
    expect(screen).not.toMatch(/Skipped step 1 of 1/);
    second.press('ctrl-c');
    expect(await second.exitCode()).toBe(0);
  });

  test('a step skipped earlier can be run when resuming', async () => {
    const first = play();
    await first.waitFor('The fork: what is your choice?');
    first.press('enter');
    await first.waitFor(/Plant it[\s\S]*Run this step\?/);
    first.press('down', 'enter'); // Skip it
    await first.waitFor(MENU);
    first.press('ctrl-c');
    expect(await first.exitCode()).toBe(0);

    const second = play();
    await second.waitFor(/You skipped this step earlier\. Run it now\?/);
    second.press('down', 'enter'); // Yes, run it now
    // Now that the step ran, waiting may help: the countdown runs.
    await second.waitFor(STOP_HINT);
    const screen = await stopWaiting(second);
    expect(screen).toContain('planting');
    expect(count(screen, 'Run this step?')).toBe(0);
    expect((await progress()).steps['plant#step-1']?.status).toBe('done');
    second.press('ctrl-c');
    expect(await second.exitCode()).toBe(0);
  });

  test('no kubeconfig: the checks do not count down, they say why at once', async () => {
    // The sandbox's KUBECONFIG names a file that does not exist.
    await writeFile(
      join(journey, 'plant.md'),
      '---\ntitle: Plant the flag\nchecks:\n  - timeout: 10m\n    assert:\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: flag\n        namespace: default\n---\n\n```sh title="Plant it"\necho planting\n```\n',
    );
    const t = play();
    await t.waitFor('The fork: what is your choice?');
    t.press('enter');
    await t.waitFor(/Plant it[\s\S]*Run this step\?/);
    t.press('enter');
    const screen = await t.waitFor(MENU);
    expect(screen.replace(/\s+/g, ' ')).toMatch(/Not waiting: waiting cannot make this pass \(no kubeconfig found: .*config does not exist\)/);
    expect(screen).not.toContain(STOP_HINT);
    t.press('ctrl-c');
    expect(await t.exitCode()).toBe(0);
  });

  test('without a terminal, a step skipped earlier stays skipped and the checks fail at once, saying why', async () => {
    const first = play();
    await first.waitFor('The fork: what is your choice?');
    first.press('enter');
    await first.waitFor(/Plant it[\s\S]*Run this step\?/);
    first.press('s');
    await first.waitFor(MENU);
    first.press('q');
    expect(await first.exitCode()).toBe(1);

    const scripted = await runBin(['--journey', journey, '--trust', '--yes', '--no-color'], { cwd: sandbox.workspace, env: { ...sandbox.env, HERO_JOURNEY_SYNC: '0' } });
    expect(scripted.exitCode).toBe(1);
    expect(scripted.stdout).toMatch(/Skipped step 1 of 1 \(Plant it\): you skipped it earlier/);
    expect(scripted.stderr).toMatch(/did not pass \(1 check: 1 failed\), and were not waited for: step 1 \(Plant it\) was skipped/);
  });
});
