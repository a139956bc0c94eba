// Reading a chapter in a real terminal: text taller than the screen a page at a time, and the
// chapter's contents at the step menu to run an earlier step again or go ahead to a later one.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { sandboxEachTest, writeOneChapterJourney, type TerminalSession } from './pty.ts';

const { sandbox, open } = sandboxEachTest();

const storyLines = Array.from({ length: 70 }, (_, i) => `- Story line ${String(i + 1).padStart(2, '0')} of the long chapter.`);

/** A journey of one chapter: `prose` before three steps, with text between the first two. */
async function writeJourney(prose: string[]): Promise<string> {
  return writeOneChapterJourney(sandbox().root, 'reading', [
    '---',
    'title: A long chapter',
    '---',
    '',
    '# A long chapter',
    '',
    ...prose,
    '',
    '```sh title="First"',
    'echo "first ran"',
    '```',
    '',
    'Between the steps.',
    '',
    '```sh title="Second"',
    'echo "second ran"',
    '```',
    '',
    '```sh title="Third"',
    'echo "third ran"',
    '```',
    '',
  ]);
}

async function savedSteps(): Promise<Record<string, { status: string; by?: string }>> {
  const dir = join(sandbox().env.XDG_STATE_HOME!, 'hero-journey', 'reading');
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  return JSON.parse(await readFile(join(dir, file!), 'utf8')).steps;
}

/** The status line of the pager, as numbers. */
async function pagerAt(t: TerminalSession, first: number): Promise<{ last: number; total: number }> {
  const screen = await t.waitFor(new RegExp(`chapter text, lines ${first}–(\\d+) of (\\d+)`));
  const [, last, total] = new RegExp(`chapter text, lines ${first}–(\\d+) of (\\d+)`).exec(screen)!;
  return { last: Number(last), total: Number(total) };
}

describe('a chapter taller than the terminal', () => {
  test('is shown a page at a time: Space, b, Enter, ? and q, then the steps with the whole text above them', async () => {
    const journey = await writeJourney(storyLines);
    const t = open(['--journey', journey, '--no-sync'], { rows: 30 });
    // 30 rows: 29 of text and the status line; the step menu waits until the learner has read.
    const first = await pagerAt(t, 1);
    expect(first.last).toBe(29);
    let view = await t.viewport();
    expect(view).toContain('Story line 01');
    expect(view).not.toContain('Story line 30');
    expect(view).not.toContain('Run this step?');
    t.press(' ');
    await pagerAt(t, 30);
    view = await t.viewport();
    expect(view).toContain('Story line 30');
    expect(view).not.toContain('Story line 01');
    t.press('b');
    await pagerAt(t, 1);
    t.press('enter');
    await pagerAt(t, 2);
    t.press('?');
    await t.waitFor('Keys of the chapter text:');
    expect(await t.viewport()).toMatch(/q, Esc\s+done reading: go to the steps/);
    t.press('x'); // any key leaves the keys
    await pagerAt(t, 2);
    t.press('q');
    const screen = await t.waitFor(/Run this step\?[\s\S]*step 1 of 3/);
    // Back on the main screen, the text stays in the transcript above the first step.
    expect(screen).toMatch(/Story line 01[\s\S]*Story line 70[\s\S]*Step 1 of 3 · First[\s\S]*Run this step\?/);
    expect(screen).not.toContain('chapter text, lines');
    t.press('q');
    expect(await t.exitCode()).toBe(0);
  });

  test('Space past the end and Esc go to the steps; G jumps to the end; a resized terminal gets pages of its new height', async () => {
    const journey = await writeJourney(storyLines);
    const t = open(['--journey', journey, '--no-sync'], { rows: 30 });
    const { total } = await pagerAt(t, 1);
    t.pty.resize(100, 20);
    t.term.resize(100, 20);
    // 20 rows now: 19 of text.
    await t.waitFor(`chapter text, lines 1–19 of ${total}`);
    t.press('G');
    await pagerAt(t, total - 18);
    expect(await t.viewport()).toContain('(end) · Space or q: go to the steps');
    t.press(' ');
    await t.waitFor('Run this step?');
    t.press('s');
    // The text between the first and second step is short: no pager.
    await t.waitFor(/Between the steps\.[\s\S]*Step 2 of 3 · Second[\s\S]*Run this step\?/);
    t.press('q');
    expect(await t.exitCode()).toBe(0);

    // Coming back, a recap stands for the long text; t shows it in full, paged.
    const again = open(['--journey', journey, '--no-sync'], { rows: 30 });
    await again.waitFor('You skipped this step earlier. Run it now?');
    again.press('s');
    await again.waitFor(/Run this step\?[\s\S]*step 2 of 3/);
    expect(await again.screen()).not.toContain('Story line 01');
    again.press('t');
    await pagerAt(again, 1);
    again.press('\u001b');
    await again.waitFor(/Story line 70[\s\S]*Run this step\?[\s\S]*step 2 of 3/);
    again.press('q');
    expect(await again.exitCode()).toBe(0);
  });

  test('Ctrl-C in the pager stops with the progress saved and leaves the terminal as it was', async () => {
    const journey = await writeJourney(storyLines);
    const t = open(['--journey', journey, '--no-sync'], { rows: 30 });
    await pagerAt(t, 1);
    t.press('ctrl-c');
    await t.waitFor('Stopped. Your progress is saved');
    expect(await t.exitCode()).toBe(0);
    const raw = t.rawOutput();
    // The alternate screen was left and the cursor shown again.
    expect(raw.lastIndexOf('\u001b[?1049l')).toBeGreaterThan(raw.lastIndexOf('\u001b[?1049h'));
    expect(raw.lastIndexOf('\u001b[?25h')).toBeGreaterThan(raw.lastIndexOf('\u001b[?25l'));
  });

  test('--no-pager, HERO_JOURNEY_PAGER=0 and PAGER=cat pour the text out as before', async () => {
    const journey = await writeJourney(storyLines);
    for (const [args, env] of [
      [['--no-pager'], {}],
      [[], { HERO_JOURNEY_PAGER: '0' }],
      [[], { PAGER: 'cat' }],
    ] as const) {
      const t = open(['--journey', journey, '--no-sync', ...args], { rows: 30, env });
      const screen = await t.waitFor(/Story line 70[\s\S]*Run this step\?/);
      expect(screen, `${args.join(' ')} ${JSON.stringify(env)}`).not.toContain('chapter text, lines');
      t.press('q');
      expect(await t.exitCode()).toBe(0);
    }
  });

  test('without a terminal nothing is paged: --yes prints the whole chapter and runs on', async () => {
    const journey = await writeJourney(storyLines);
    const result = await runBin(['--journey', journey, '--no-sync', '--yes'], { cwd: sandbox().workspace, env: sandbox().env, timeoutMs: 60_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Story line 01[\s\S]*Story line 70[\s\S]*third ran/);
    expect(result.stdout).not.toContain('chapter text, lines');
  });

  test('a chapter that fits on the screen is not paged', async () => {
    const journey = await writeJourney(storyLines.slice(0, 5));
    const t = open(['--journey', journey, '--no-sync'], { rows: 30 });
    const screen = await t.waitFor(/Story line 05[\s\S]*Run this step\?/);
    expect(screen).not.toContain('chapter text, lines');
    t.press('q');
    expect(await t.exitCode()).toBe(0);
  });
});

describe("the chapter's contents at the step menu", () => {
  test('g lists the steps with their state; an earlier one runs again, a later one skips those in between; step i of n follows', async () => {
    const journey = await writeJourney(['Three steps.']);
    const t = open(['--journey', journey, '--no-sync']);
    await t.waitFor(/Run this step\?[\s\S]*step 1 of 3/);
    t.press('?');
    await t.waitFor("g: the chapter's steps and what became of each");
    t.press('r');
    await t.waitFor(/first ran[\s\S]*Step 2 of 3 · Second[\s\S]*Run this step\?[\s\S]*step 2 of 3/);
    t.press('g');
    let screen = await t.waitFor('Contents of "A long chapter": which step?');
    expect(screen).toMatch(/1 {2}Step 1 of 3: First \(done\)/);
    expect(screen).toMatch(/2 {2}Step 2 of 3: Second \(not yet, you are here\)/);
    expect(screen).toMatch(/3 {2}Step 3 of 3: Third \(not yet\)/);
    expect(screen).toMatch(/b {2}None: back to step 2/);
    t.press('1');
    // Step 1's card, its output a second time, and back at step 2.
    screen = await t.waitFor(/Step 1 of 3: First \(done\)\n[\s\S]*first ran[\s\S]*first ran[\s\S]*Run this step\?[\s\S]*step 2 of 3\n/);
    t.press('g');
    await t.waitFor(/which step\?[\s\S]*which step\?[\s\S]*None: back to step 2/);
    t.press('3');
    screen = await t.waitFor(/Skipped step 2 of 3 \(Second\): you went ahead to step 3[\s\S]*Step 3 of 3 · Third[\s\S]*Run this step\?[\s\S]*step 3 of 3\n/);
    expect(screen).not.toContain('│ second ran');
    t.press('q');
    expect(await t.exitCode()).toBe(0);
    const steps = await savedSteps();
    expect(steps['only#step-1']?.status).toBe('done');
    expect(steps['only#step-2']).toMatchObject({ status: 'skipped', by: 'learner' });
    expect(steps['only#step-3']).toBeUndefined();
  });

  test('going ahead past the last step skips the rest of them', async () => {
    const journey = await writeJourney(['Three steps.']);
    const t = open(['--journey', journey, '--no-sync']);
    await t.waitFor('Run this step?');
    t.press('g');
    await t.waitFor('Contents of "A long chapter": which step?');
    t.press('4'); // past the last step
    await t.waitFor(/Skipped step 1 of 3 \(First\): you went ahead to the end of the steps[\s\S]*Skipped step 2 of 3[\s\S]*Skipped step 3 of 3/);
    expect(await t.exitCode()).toBe(0);
    const steps = await savedSteps();
    for (const id of ['only#step-1', 'only#step-2', 'only#step-3']) expect(steps[id]).toMatchObject({ status: 'skipped', by: 'learner' });
  });
});

describe('show in a terminal', () => {
  test('a chapter taller than the screen is shown a page at a time, then printed; --no-pager prints it at once', async () => {
    const journey = await writeJourney(storyLines);
    const t = open(['show', 'only', '--journey', journey], { rows: 30 });
    await pagerAt(t, 1);
    expect(await t.viewport()).toContain('q done · ? keys');
    t.press('x');
    await t.waitFor('press ? for the keys, q to leave');
    t.press('q');
    await t.waitFor(/Story line 70[\s\S]*Step 3 of 3 · Third/);
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).not.toContain('chapter text, lines');

    const whole = open(['show', 'only', '--journey', journey, '--no-pager'], { rows: 30 });
    await whole.waitFor(/Story line 70[\s\S]*Step 3 of 3 · Third/);
    expect(await whole.exitCode()).toBe(0);
    expect(await whole.screen()).not.toContain('chapter text, lines');
  });
});
