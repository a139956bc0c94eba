import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot, TerminalSession, type Sandbox } from './pty.ts';

const quest = join(repoRoot, 'test', 'fixtures', 'journeys', 'quest');

let sandbox: Sandbox;
let sessions: TerminalSession[] = [];
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(async () => {
  for (const s of sessions) s.kill();
  sessions = [];
  await sandbox.cleanup();
});

function play(args: string[] = [], env: Record<string, string> = {}): TerminalSession {
  const session = new TerminalSession(['--journey', quest, ...args], { cwd: sandbox.workspace, env: { ...sandbox.env, ...env } });
  sessions.push(session);
  return session;
}

async function progressFile(): Promise<unknown> {
  const dir = join(sandbox.env.XDG_STATE_HOME!, 'hero-journey', 'quest');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(await readFile(join(dir, files[0]!), 'utf8'));
}

/** Answer the questions of the start chapter: guild, name, and both steps. */
async function playStartChapter(t: TerminalSession): Promise<void> {
  await t.waitFor('Which guild does Hero belong to?');
  t.press('enter');
  // The input's help, with the guild just given filled in, stands above its prompt.
  await t.waitFor(/Up to 31 letters, digits, spaces or dashes; Wanderers members often pick short ones\.\n.*What is Hero's name\?/);
  t.press('backspace', 'backspace', 'backspace', 'backspace', 'Ada', 'enter');
  await t.waitFor(/Step 1 of 2 · Prepare a greeting[\s\S]*Run this step\?/);
  t.press('enter');
  await t.waitFor('Hello, Ada of the Wanderers');
  await t.waitFor(/Step 2 of 2 · Stretch[\s\S]*Run this step\?/);
  t.press('enter');
  await t.waitFor('stretching');
}

describe('playing in a terminal', () => {
  test('a whole path: inputs, steps with live output, a disabled option, a choice, a variant, a skipped chapter, the end', async () => {
    const t = play();
    await t.waitFor(/The Quest of Hero[\s\S]*A tiny offline journey/);
    await playStartChapter(t);
    expect(await t.screen()).toMatch(/The call to adventure[\s\S]*Every journey starts with a name/);
    const choice = await t.waitFor('The fork in the road: what is your choice?');
    expect(choice).toMatch(/Down the river.*Only sea folk know how to sail the river/);
    t.press('enter'); // Through the forest (first option)
    await t.waitFor(/The forest[\s\S]*Run this step\?/);
    t.press('enter');
    // GREETING was exported two chapters earlier and is still known.
    await t.waitFor('Hello, Ada of the Wanderers from the forest');
    await t.waitFor('The armoury: what is your choice?');
    t.press('down', 'enter'); // A bow
    await t.waitFor(/The bow[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor(/Skipped chapter "The mountain camp"/);
    // castle/gate picks the bow variant from the earlier choice, without asking.
    await t.waitFor(/An archery contest[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor(/Home again[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor('Hello, Ada of the Wanderers: the quest is done');
    await t.waitFor('The end of this journey');
    expect(await t.exitCode()).toBe(0);
    const saved = (await progressFile()) as { finished: boolean; choices: Record<string, { choice: string }> };
    expect(saved.finished).toBe(true);
    expect(saved.choices.path?.choice).toBe('forest');
    expect(saved.choices.gear?.choice).toBe('bow');
  });

  test('quit at a step, come back later: resumes at the same chapter with done steps remembered', async () => {
    const first = play();
    await playStartChapter(first);
    await first.waitFor('The fork in the road: what is your choice?');
    first.press('enter');
    await first.waitFor(/The forest[\s\S]*Run this step\?/);
    first.press('q'); // Quit
    await first.waitFor('Progress saved');
    expect(await first.exitCode()).toBe(0);

    const second = play();
    const screen = await second.waitFor(/The forest[\s\S]*Run this step\?/);
    expect(screen).not.toContain('Which guild');
    expect(screen).toContain('Welcome back: resuming at "The forest"');
    second.press('enter');
    await second.waitFor('Hello, Ada of the Wanderers from the forest');
    await second.waitFor('The armoury: what is your choice?');
    second.press('ctrl-c');
    expect(await second.exitCode()).toBe(0);
    expect(await second.screen()).toMatch(/progress is saved/i);
    const saved = (await progressFile()) as { current: string; vars: Record<string, { value: string }> };
    expect(saved.current).toBe('gear');
    expect(saved.vars.GREETING?.value).toBe('Hello, Ada of the Wanderers');
  });

  test('a dead end explains itself and sends Hero back to choose again', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    t.press('down', 'enter'); // skip the optional step
    await t.waitFor('The fork in the road: what is your choice?');
    t.press('down', 'down', 'enter'); // Across the swamp
    await t.waitFor(/Dead end[\s\S]*The swamp swallows the road[\s\S]*Back to "The fork in the road" to pick another option/);
    // The notice stays on screen until a key, even on a 40-row terminal.
    expect(await t.viewport()).toMatch(/Dead end[\s\S]*The swamp swallows the road/);
    t.press('enter');
    const again = await t.waitFor(/pick another option[\s\S]*The fork in the road: what is your choice\?/);
    // The option that led to the dead end is marked as tried.
    expect(again.slice(again.lastIndexOf('The fork in the road: what is your choice?'))).toContain('Across the swamp (tried: a dead end)');
    t.press('ctrl-c');
    expect(await t.exitCode()).toBe(0);
    const saved = (await progressFile()) as { current: string; choices: Record<string, unknown>; steps: Record<string, { status: string }>; deadEnds?: unknown };
    expect(saved.current).toBe('path');
    expect(saved.choices).toEqual({});
    expect(saved.steps['start#step-2']?.status).toBe('skipped');
    expect(saved.deadEnds).toEqual({ path: ['swamp'] });
  });

  test('NO_COLOR output carries no colour codes; plain copy shows the bare command', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers'], { NO_COLOR: '1' });
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('c'); // show plain
    const screen = await t.waitFor(/\n\s*export GREETING="Hello, \$\{HERO_NAME\} of the \$\{GUILD\}"\n/);
    expect(screen).toBeTruthy();
    t.press('ctrl-c');
    await t.exitCode();
    // Prompts may move the cursor, but nothing may set colours (SGR codes).
    expect(t.rawOutput()).not.toMatch(/\u001b\[[0-9;]*[1-9][0-9;]*m/);
  });
});

describe('variables the learner gives by hand', () => {
  test('skipping a step that exports a variable asks for it, prefilled from the environment, and later steps use it', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers'], { GREETING: 'Hi from my shell' });
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('s'); // Skip it: I did it myself
    await t.waitFor(/This step would have set GREETING for later steps[\s\S]*GREETING: \(Hi from my shell\)/);
    t.press('enter'); // keep the value shown
    await t.waitFor('GREETING = Hi from my shell');
    await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    t.press('s');
    await t.waitFor('The fork in the road: what is your choice?');
    t.press('enter'); // Through the forest
    await t.waitFor(/The forest[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor('Hi from my shell from the forest');
    t.press('ctrl-c');
    await t.exitCode();
    const saved = (await progressFile()) as { vars: Record<string, { value: string; source: string }>; steps: Record<string, { status: string; by?: string }> };
    expect(saved.vars.GREETING).toMatchObject({ value: 'Hi from my shell', source: 'input' });
    expect(saved.steps['start#greet']).toMatchObject({ status: 'skipped', by: 'learner' });
  });

  test('any variable can be set at the step menu; one named like a credential is asked for hidden', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('v');
    await t.waitFor('Which variable?');
    t.press('MOTTO', 'enter');
    await t.waitFor('MOTTO:');
    t.press('onward', 'enter');
    await t.waitFor('MOTTO = onward');
    t.press('v');
    await t.waitFor(/MOTTO = onward[\s\S]*Which variable\?/);
    t.press('SHIP_TOKEN', 'enter');
    await t.waitFor('SHIP_TOKEN:');
    t.press('tok-2f9a7c', 'enter');
    await t.waitFor('SHIP_TOKEN = ••••••');
    await t.waitFor(/SHIP_TOKEN = ••••••[\s\S]*Run this step\?/);
    expect(await t.screen()).not.toContain('tok-2f9a7c');
    t.press('ctrl-c');
    await t.exitCode();
    const saved = (await progressFile()) as { vars: Record<string, { value: string; secret: boolean }> };
    expect(saved.vars.MOTTO).toMatchObject({ value: 'onward', secret: false });
    expect(saved.vars.SHIP_TOKEN).toMatchObject({ value: 'tok-2f9a7c', secret: true });
  });
});

describe('setting a variable at any prompt', () => {
  test('at a choice point, v sets a variable (listed by ?) and the options are weighed again with it', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('r');
    await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    t.press('s');
    let screen = await t.waitFor('The fork in the road: what is your choice?');
    expect(screen).toMatch(/Down the river \(Only sea folk know how to sail the river\.\)/);
    expect(screen).toMatch(/v {2}Set a variable/);
    t.press('?');
    await t.waitFor(/v: a name, then its value, as --set NAME=VALUE gives it/);
    t.press('v');
    await t.waitFor('Which variable?');
    t.press('REALM', 'enter');
    await t.waitFor('REALM:');
    t.press('backspace', 'sea', 'enter');
    await t.waitFor('REALM = sea');
    // The same menu again, now with the river open to Hero.
    screen = await t.waitFor(/REALM = sea[\s\S]*The fork in the road: what is your choice\?/);
    expect(screen.slice(screen.lastIndexOf('REALM = sea'))).not.toContain('Only sea folk');
    t.press('4');
    // The river's first question (asked only of sea folk) comes once the choice is saved.
    await t.waitFor("The ferryman's password");
    t.press('ctrl-c');
    await t.exitCode();
    const saved = (await progressFile()) as { vars: Record<string, { value: string }>; choices: Record<string, { choice: string }> };
    expect(saved.vars.REALM).toMatchObject({ value: 'sea' });
    expect(saved.choices.path).toMatchObject({ choice: 'river' });
  });

  test('coming back to a step skipped earlier, v sets a variable before deciding', async () => {
    const first = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await first.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    first.press('s');
    await first.waitFor('GREETING:');
    first.press('Hi', 'enter');
    await first.waitFor(/Stretch[\s\S]*Run this step\?/);
    first.press('q');
    await first.exitCode();

    const t = play();
    await t.waitFor('You skipped this step earlier. Run it now?');
    t.press('v');
    await t.waitFor('Which variable?');
    t.press('GREETING', 'enter');
    await t.waitFor('GREETING: (Hi)');
    t.press('backspace', 'Howdy', 'enter');
    await t.waitFor(/GREETING = Howdy[\s\S]*You skipped this step earlier\. Run it now\?/);
    t.press('s');
    await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    t.press('q');
    await t.exitCode();
    const saved = (await progressFile()) as { vars: Record<string, { value: string }> };
    expect(saved.vars.GREETING).toMatchObject({ value: 'Howdy' });
  });

  test('at a question, :set NAME=value sets a variable first (a secret shown as dots, PATH refused), then the question comes back', async () => {
    const t = play(['--set', 'GUILD=Wanderers']);
    let screen = await t.waitFor("What is Hero's name?");
    expect(screen).toContain(':set NAME=value sets a variable first');
    t.press(':set MOTTO=onward', 'enter');
    await t.waitFor('MOTTO = onward');
    await t.waitFor(/MOTTO = onward[\s\S]*What is Hero's name\?/);
    t.press(':set SHIP_TOKEN=tok-2f9a7c');
    await t.waitFor(':set SHIP_TOKEN=••••••••••');
    t.press('enter');
    await t.waitFor('SHIP_TOKEN = ••••••');
    t.press(':set PATH=/tmp/evil', 'enter');
    await t.waitFor(':set PATH is refused: it changes how the shell');
    // A name alone asks for its value.
    t.press(':set HORSE', 'enter');
    await t.waitFor('HORSE:');
    t.press('Rocinante', 'enter');
    await t.waitFor('HORSE = Rocinante');
    screen = await t.waitFor(/HORSE = Rocinante[\s\S]*What is Hero's name\?/);
    t.press('Ada', 'enter');
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    expect(await t.screen()).not.toContain('tok-2f9a7c');
    t.press('ctrl-c');
    await t.exitCode();
    const saved = (await progressFile()) as { vars: Record<string, { value: string; secret: boolean }> };
    expect(Object.keys(saved.vars).sort()).toEqual(['GUILD', 'HERO_NAME', 'HORSE', 'MOTTO', 'SHIP_TOKEN']);
    expect(saved.vars.HERO_NAME).toMatchObject({ value: 'Ada' });
    expect(saved.vars.SHIP_TOKEN).toMatchObject({ value: 'tok-2f9a7c', secret: true });
    expect(saved.vars.MOTTO).toMatchObject({ value: 'onward', secret: false });
  });
});

describe('resuming in the middle of a chapter', () => {
  test('a recap says where the learner is instead of the text again; t shows it in full; a fresh chapter shows its text', async () => {
    const first = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await first.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    first.press('r');
    await first.waitFor(/Stretch[\s\S]*Run this step\?/);
    first.press('q');
    await first.exitCode();

    const t = play();
    let screen = await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    expect(screen.replace(/[│\s]+/g, ' ')).toMatch(/Picking up "The call to adventure" where you left off .*You are at step 2 of 2 \(Stretch\); of the steps before it, 1 done\..* Press t at the step's menu to read the chapter's text in full\./);
    expect(screen).toMatch(/✔ Step 1 of 2 \(Prepare a greeting\): done earlier/);
    // The text before the step done earlier is left out; the text right before the next step stays.
    expect(screen).not.toContain('Every journey starts with a name.');
    expect(screen).toContain('A stretch goal you may skip:');
    expect(screen).toMatch(/t {2}Show the chapter's text in full/);
    t.press('t');
    screen = await t.waitFor(/Every journey starts with a name\.[\s\S]*Run this step\?/);
    expect(screen.slice(screen.indexOf('Every journey starts with a name.'))).toMatch(/Prepare a greeting[\s\S]*Stretch/);
    t.press('s');
    // The next chapter is new: its text is shown whole.
    screen = await t.waitFor('The fork in the road: what is your choice?');
    expect(screen).toContain('Three roads, and a river. Which way?');
    expect(screen.split('where you left off')).toHaveLength(2);
    t.press('q');
    await t.exitCode();
  });
});

describe('names a variable set by hand may not have', () => {
  test('v refuses PATH, BASH_ENV, LD_PRELOAD and a name that is not a variable, as --set does, and keeps asking', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('v');
    await t.waitFor('Which variable?');
    for (const name of ['PATH', 'BASH_ENV', 'LD_PRELOAD', 'BASH_FUNC_kubectl%%']) {
      t.press(name, 'enter');
      const why = name.includes('%') ? `"${name}" is refused: it is not a shell variable name` : `${name} is refused: it changes how the shell`;
      await t.waitFor(why);
      // The prompt keeps the refused name: clear it before the next one.
      t.press(...Array.from(name, () => 'backspace'));
    }
    // Nothing was asked for a refused name: no value prompt, no value shown.
    expect(await t.screen()).not.toMatch(/^\S* ?(PATH|BASH_ENV|LD_PRELOAD):/m);
    t.press('MOTTO', 'enter');
    await t.waitFor('MOTTO:');
    t.press('onward', 'enter');
    await t.waitFor('MOTTO = onward');
    await t.waitFor(/MOTTO = onward[\s\S]*Run this step\?/);
    t.press('ctrl-c');
    await t.exitCode();
    const saved = (await progressFile()) as { vars: Record<string, unknown> };
    expect(Object.keys(saved.vars).sort()).toEqual(['GUILD', 'HERO_NAME', 'MOTTO']);
  });
});

describe('editing a step and running an earlier one again', () => {
  test('e opens the step in $EDITOR; the edited commands are shown, run when asked, and recorded as edited', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers'], { EDITOR: 'sed -i s/Hello/Howdy/' });
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('e');
    await t.waitFor(/Prepare a greeting \(edited\)[\s\S]*export GREETING="Howdy, [\s\S]*Run this step as you edited it\?/);
    t.press('enter');
    await t.waitFor('Howdy, Ada of the Wanderers');
    await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    t.press('ctrl-c');
    await t.exitCode();
    const saved = (await progressFile()) as { vars: Record<string, { value: string }>; steps: Record<string, { status: string; edited?: boolean }> };
    expect(saved.steps['start#greet']).toMatchObject({ status: 'done', edited: true });
    expect(saved.vars.GREETING?.value).toBe('Howdy, Ada of the Wanderers');
    // Resuming says the step was done as edited.
    const again = play();
    await again.waitFor(/Step 1 of 2 \(Prepare a greeting\): done earlier, as you edited it/);
    again.press('ctrl-c');
    await again.exitCode();
  });

  test('a runs an earlier step of the chapter again, then the menu of the current step comes back', async () => {
    const t = play(['--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    t.press('a');
    // The list says what became of each step.
    await t.waitFor(/Which step, again\?[\s\S]*Step 1: Prepare a greeting \(done\)/);
    t.press('enter');
    const screen = await t.waitFor(/Which step, again\?[\s\S]*Hello, Ada of the Wanderers[\s\S]*Run this step\?/);
    expect(screen.split('Hello, Ada of the Wanderers').length - 1).toBeGreaterThanOrEqual(2);
    t.press('ctrl-c');
    await t.exitCode();
  });
});

describe('text that depends on how the step and the checks went', () => {
  let journey: string;
  beforeEach(async () => {
    journey = join(sandbox.root, 'campfire');
    await mkdir(join(journey, 'checks'), { recursive: true });
    await writeFile(join(journey, 'journey.yaml'), 'id: campfire\ntitle: Campfire\nstart: only\n');
    await writeFile(
      join(journey, 'only.md'),
      '---\ntitle: Only\nchecks:\n  - use: fire\n---\n\n```sh title="Light the fire"\ntouch fire\n```\n\n' +
        '<!-- when: step == "done" -->\nThe match caught.\n<!-- else -->\nNo match was struck.\n<!-- end -->\n\n' +
        '<!-- when: checks == "passed" -->\nThe fire burns: proven.\n<!-- else -->\nNobody proved a fire.\n<!-- end -->\n',
    );
    await writeFile(
      join(journey, 'checks', 'fire.js'),
      "import { existsSync } from 'node:fs';\nexport default { id: 'fire', title: 'A fire burns', run: () => existsSync('fire') ? { ok: true, reason: 'it burns' } : { ok: false, reason: 'no fire' } };\n",
    );
  });

  test('after a step that ran and checks that passed, the text says so, in order', async () => {
    const result = await runBin(['--journey', journey, '--yes', '--trust', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('The match caught.');
    expect(result.stdout).not.toContain('No match was struck.');
    expect(result.stdout).not.toContain('Nobody proved a fire.');
    // The text about the checks comes after they ran.
    expect(result.stdout.indexOf('The fire burns: proven.')).toBeGreaterThan(result.stdout.indexOf('A fire burns: it burns'));
  });

  test('after a skipped step and skipped checks, the other branches show', async () => {
    const t = new TerminalSession(['--journey', journey, '--trust', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
    sessions.push(t);
    await t.waitFor(/Light the fire[\s\S]*Run this step\?/);
    t.press('s');
    await t.waitFor('No match was struck.');
    await t.waitFor('The checks did not pass. What now?');
    t.press('s');
    await t.waitFor('Go on without proof');
    t.press('y', 'enter');
    await t.waitFor('The end of this journey');
    const screen = await t.screen();
    expect(screen).toContain('Nobody proved a fire.');
    expect(screen).not.toContain('The match caught.');
    expect(screen).not.toContain('The fire burns: proven.');
    expect(await t.exitCode()).toBe(0);
  });
});

describe('a failing step', () => {
  let journey: string;
  beforeEach(async () => {
    journey = join(sandbox.root, 'failing');
    await mkdir(journey, { recursive: true });
    await writeFile(join(journey, 'journey.yaml'), 'id: failing\ntitle: Failing\nstart: only\n');
    await writeFile(
      join(journey, 'only.md'),
      '---\ntitle: Only\n---\n\n```sh title="Look for the flag"\ntest -f flag || { echo "no flag here" >&2; exit 3; }\necho "flag found"\n```\n',
    );
  });

  test('shows the exit code and stderr, and offers retry until it works', async () => {
    const t = new TerminalSession(['--journey', journey], { cwd: sandbox.workspace, env: sandbox.env });
    sessions.push(t);
    await t.waitFor('Run this step?');
    t.press('enter');
    await t.waitFor(/exit 3[\s\S]*no flag here[\s\S]*The step failed\. What now\?/);
    await writeFile(join(sandbox.workspace, 'flag'), '');
    t.press('enter'); // Retry
    await t.waitFor('flag found');
    await t.waitFor('The end of this journey');
    expect(await t.exitCode()).toBe(0);
  });

  test('offers to go back to the last choice (a tool that is not installed: pick another option)', async () => {
    const forked = join(sandbox.root, 'forked');
    await mkdir(forked, { recursive: true });
    await writeFile(join(forked, 'journey.yaml'), 'id: forked\ntitle: Forked\nstart: build\n');
    await writeFile(
      join(forked, 'build.md'),
      '---\ntitle: How to build\nchoices:\n  - id: kbld\n    label: With kbld\n    goto: kbld\n  - id: packs\n    label: With Buildpacks\n    goto: packs\n---\n\nPick a tool.\n',
    );
    await writeFile(join(forked, 'kbld.md'), '---\ntitle: kbld\n---\n\n```sh title="Build with kbld"\nkbld-not-installed --version\n```\n');
    await writeFile(join(forked, 'packs.md'), '---\ntitle: Buildpacks\n---\n\n```sh title="Build with packs"\necho "built with packs"\n```\n');
    const t = new TerminalSession(['--journey', forked], { cwd: sandbox.workspace, env: sandbox.env });
    sessions.push(t);
    await t.waitFor('How to build: what is your choice?');
    t.press('enter'); // With kbld
    await t.waitFor(/Build with kbld[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor(/exit 127[\s\S]*The step failed\. What now\?[\s\S]*Back to the last choice \("How to build"\)/);
    t.press('b');
    await t.waitFor(/What now\?[\s\S]*How to build: what is your choice\?/);
    t.press('down', 'enter'); // With Buildpacks
    await t.waitFor(/Build with packs[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor('The end of this journey');
    expect(await t.exitCode()).toBe(0);
  });

  test('without a terminal it stops with exit 1 and says where; the next run retries the step', async () => {
    const first = await runBin(['--journey', journey, '--yes'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toMatch(/step 1 of chapter "Only" failed \(only\.md:5\)/);
    expect(first.stdout).toMatch(/no flag here/);
    await writeFile(join(sandbox.workspace, 'flag'), '');
    const second = await runBin(['--journey', journey, '--yes'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/flag found/);
  });
});

describe('stopping in the middle of a step', () => {
  test('Ctrl-C while a step runs stops it and its children, keeps progress, and the step is offered again', async () => {
    const journey = join(sandbox.root, 'slow');
    await mkdir(journey, { recursive: true });
    await writeFile(join(journey, 'journey.yaml'), 'id: slow\ntitle: Slow\nstart: only\n');
    await writeFile(
      join(journey, 'only.md'),
      '---\ntitle: Only\n---\n\n```sh title="Quick"\nexport FIRST=done\n```\n\n```sh title="Wait for a long time"\necho started; sleep 317; touch finished\n```\n',
    );
    const first = new TerminalSession(['--journey', journey], { cwd: sandbox.workspace, env: sandbox.env });
    sessions.push(first);
    await first.waitFor(/Quick[\s\S]*Run this step\?/);
    first.press('enter');
    await first.waitFor(/Wait for a long time[\s\S]*Run this step\?/);
    first.press('enter');
    await first.waitFor(/│ started/); // the step's output, not its card
    first.press('ctrl-c');
    expect(await first.exitCode()).toBe(130);
    expect(await first.screen()).toMatch(/Stopped while the step ran/);
    await expect(readFile(join(sandbox.workspace, 'finished'))).rejects.toThrow();
    // The step's own child is gone too, not left running in the background.
    let stillRunning = '';
    for (let i = 0; i < 40; i++) {
      stillRunning = spawnSync('pgrep', ['-af', 'sleep 317']).stdout.toString().trim();
      if (!stillRunning) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stillRunning).toBe('');

    const dir = join(sandbox.env.XDG_STATE_HOME!, 'hero-journey', 'slow');
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    const saved = JSON.parse(await readFile(join(dir, file!), 'utf8')) as { vars: Record<string, { value: string }>; steps: Record<string, { status: string }> };
    expect(saved.vars.FIRST?.value).toBe('done');
    expect(saved.steps['only#step-2']?.status).toBe('failed');

    const second = new TerminalSession(['--journey', journey], { cwd: sandbox.workspace, env: sandbox.env });
    sessions.push(second);
    const screen = await second.waitFor(/Wait for a long time[\s\S]*Run this step\?/);
    expect(screen).toMatch(/done earlier/);
    second.press('ctrl-c');
    expect(await second.exitCode()).toBe(0);
  });
});

describe('Ctrl-C right after an answer', () => {
  test('Enter and Ctrl-C in one keystroke burst: the step never starts, and the learner is let out', async () => {
    const journey = join(sandbox.root, 'burst');
    await mkdir(journey, { recursive: true });
    await writeFile(join(journey, 'journey.yaml'), 'id: burst\ntitle: Burst\nstart: only\n');
    await writeFile(join(journey, 'only.md'), '---\ntitle: Only\n---\n\n```sh title="Wait"\necho started; sleep 2; touch finished\n```\n');
    const t = new TerminalSession(['--journey', journey], { cwd: sandbox.workspace, env: sandbox.env });
    sessions.push(t);
    await t.waitFor(/Wait[\s\S]*Run this step\?/);
    // One write: the prompt reads both keys at once, answers "Run it", and would swallow the Ctrl-C.
    t.pty.write('\r\u0003');
    expect(await t.exitCode()).toBe(0);
    const screen = await t.screen();
    expect(screen).toMatch(/Stopped\. Your progress is saved/);
    expect(screen).not.toMatch(/│ started/);
    await expect(readFile(join(sandbox.workspace, 'finished'))).rejects.toThrow();
  });
});

describe('Ctrl-C at any moment', () => {
  test('from startup through the first prompt: the process always ends, and saved progress stays readable', async () => {
    // Each session gets its Ctrl-C at another moment after Node runs JavaScript: while hero-journey
    // loads, while the journey loads, while a page is drawn, while a prompt loads, at the prompt.
    // (Earlier, while the pseudo-terminal and Node are still being set up, a Ctrl-C is lost for any
    // program, a bare `node -e` included.)
    const delays = [0, 40, 80, 120, 160, 200, 250, 300, 400, 500, 700, 1000];
    const preload = pathToFileURL(join(repoRoot, 'test', 'e2e', 'fixtures', 'started.mjs')).href;
    const results = await Promise.all(
      delays.map(async (delay, i) => {
        const workspace = join(sandbox.root, `ctrl-c-${i}`);
        await mkdir(workspace, { recursive: true });
        const started = join(workspace, 'started');
        const t = new TerminalSession(['--journey', quest], { cwd: workspace, env: { ...sandbox.env, NODE_OPTIONS: `--import=${preload}`, HJ_E2E_STARTED: started } });
        sessions.push(t);
        await vi.waitFor(() => expect(existsSync(started), 'Node never ran the preload').toBe(true), { timeout: 45_000, interval: 10 });
        await new Promise((r) => setTimeout(r, delay));
        t.press('ctrl-c');
        try {
          // Generous: twelve sessions start at once on what may be a busy machine.
          return { delay, code: await t.exitCode(45_000), screen: '' };
        } catch (error) {
          return { delay, code: -1, screen: (error as Error).message.slice(-600) };
        }
      }),
    );
    expect(results.filter((r) => r.code === -1)).toEqual([]);
    for (const r of results) expect([0, 130], `Ctrl-C after ${r.delay} ms`).toContain(r.code);
    const dir = join(sandbox.env.XDG_STATE_HOME!, 'hero-journey', 'quest');
    for (const file of (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'))) {
      expect(() => JSON.parse(readFileSync(join(dir, file), 'utf8')), file).not.toThrow();
    }
  }, 120_000);
});

describe('scripted play (no terminal)', () => {
  test('without --yes no step runs: exit 2 naming --yes and --dry-run, also with --json, through a pipe', async () => {
    const marker = join(sandbox.workspace, 'ran');
    const journey = join(sandbox.root, 'installs');
    await mkdir(journey, { recursive: true });
    await writeFile(join(journey, 'journey.yaml'), 'id: installs\ntitle: Installs\nstart: only\n');
    await writeFile(join(journey, 'only.md'), `---\ntitle: Only\n---\n\n\`\`\`sh title="Install things"\ntouch ${marker}\n\`\`\`\n`);
    for (const extra of [[], ['--json']]) {
      const result = await runBin(['--journey', journey, ...extra], { cwd: sandbox.workspace, env: sandbox.env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/step 1 of chapter "Only" \(only\.md:5\) was not run: without a terminal to ask in, hero-journey runs steps only with --yes/);
      expect(result.stderr).toMatch(/pass --yes to run the steps .*or --dry-run to see every step/);
      await expect(readFile(marker)).rejects.toThrow();
    }
    const yes = await runBin(['--journey', journey, '--yes'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(yes.exitCode).toBe(0);
    await readFile(marker);
  });

  test('a missing choice is an error that names the flag', async () => {
    const result = await runBin(['--journey', quest, '--yes'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/pass --choose path=<option> with one of: forest, mountain, swamp$/m);
  });

  test('choices and inputs from flags and an answers file play to the end', async () => {
    const answers = join(sandbox.root, 'answers.yaml');
    await writeFile(answers, 'choices:\n  path: mountain\ninputs:\n  HERO_NAME: Bo\n');
    const result = await runBin(['--journey', quest, '--yes', '--answers', answers, '--choose', 'gear=sword', '--set', 'GUILD=Smiths'], {
      cwd: sandbox.workspace,
      env: sandbox.env,
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('climbing with Hello, Bo of the Smiths');
    expect(result.stdout).toMatch(/Skipped step 2 of 3 \(Sail\)/);
    expect(result.stdout).toContain('at the summit');
    expect(result.stdout).toContain('clang');
  });

  test('an answer that leads to a dead end is not given twice', async () => {
    const result = await runBin(['--journey', quest, '--yes', '--choose', 'path=swamp'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toMatch(/Dead end[\s\S]*The swamp swallows the road/);
    expect(result.stderr).toMatch(/the answer "swamp" led to a dead end/);
    expect(result.stderr).toMatch(/pass --choose path=<option> with one of: forest, mountain$/m);
  });

  test('--choose naming no choice point is refused with a suggestion', async () => {
    const result = await runBin(['--journey', quest, '--choose', 'paht=forest'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/"paht" is not a choice point of The Quest of Hero/);
    expect(result.stderr).toMatch(/did you mean --choose path=/);
  });

  test('a disabled option passed with --choose is refused with the reason', async () => {
    const result = await runBin(['--journey', quest, '--yes', '--choose', 'path=river'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Only sea folk know how to sail the river/);
  });

  test('--json: one event per line on stdout, the pages on stderr, never a secret value', async () => {
    const answers = ['--journey', quest, '--json', '--set', 'REALM=sea', '--set', 'BOAT_PASSWORD=hunter2-sea', '--choose', 'path=river'];
    const run = await runBin(['--dry-run', ...answers], { cwd: sandbox.workspace, env: sandbox.env });
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; [key: string]: unknown });
    expect(events.map((e) => e.event)).toEqual(['input', 'chapter', 'input', 'step', 'step', 'chapter', 'choice', 'chapter', 'input', 'checks', 'chapter', 'stopped']);
    expect(events).toContainEqual({ event: 'choice', chapter: 'path', choice: 'river', source: 'flag' });
    expect(events).toContainEqual({ event: 'input', chapter: 'path/river', name: 'BOAT_PASSWORD', source: 'flag', secret: true });
    expect(events).toContainEqual({ event: 'checks', chapter: 'path/river', status: 'not-run', summary: 'dry run' });
    expect(events.at(-1)).toMatchObject({ event: 'stopped', exitCode: 2, hint: expect.stringContaining('--choose gear=') });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).not.toContain('hunter2-sea');
    expect(run.stderr).not.toContain('hunter2-sea');
    expect(run.stderr).toContain('The fork in the road');

    // For real: steps run, their outcome and what they captured are events; their output goes to stderr.
    const real = await runBin(['--journey', quest, '--yes', '--json', '--choose', 'path=forest', '--choose', 'gear=sword'], { cwd: sandbox.workspace, env: sandbox.env });
    const played = real.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; [key: string]: unknown });
    expect(played).toContainEqual({ event: 'step', chapter: 'start', step: 'greet', index: 0, title: 'Prepare a greeting', status: 'done', captured: ['GREETING'] });
    expect(played).toContainEqual({ event: 'chapter-skipped', chapter: 'camp', title: 'The mountain camp', reason: 'it applies only when you chose "Over the mountain" at "The fork in the road"' });
    expect(played.at(-1)).toEqual({ event: 'end', journey: 'quest' });
    expect(real.stderr).toContain('Hello, Hero of the Wanderers');
    expect(real.exitCode).toBe(0);
  });

  test('before the first step of a new journey, what doctor would find is shown with its fixes', async () => {
    expect((await runBin(['init'], { cwd: sandbox.workspace, env: sandbox.env })).exitCode).toBe(0);
    // The sandbox's KUBECONFIG names a file that does not exist; the bundled journey declares kubectl.
    // Named with --kubeconfig: the whole report it points to must look at the same cluster.
    const first = await runBin(['--yes', '--no-color', '--kubeconfig', sandbox.env.KUBECONFIG!], { cwd: sandbox.workspace, env: sandbox.env });
    const flat = first.stdout.replace(/[\u2500-\u257f]/g, ' ').replace(/\s+/g, ' ');
    expect(flat).toMatch(/Before the first step .*cannot read the kubeconfig .*config: the file does not exist Fix: pass an existing file/);
    expect(flat).toContain(`doctor --kubeconfig ${sandbox.env.KUBECONFIG}" shows the whole report`);
    expect(first.stdout.indexOf('Before the first step')).toBeLessThan(first.stdout.indexOf('Step 1 of'));
    // Not again once the journey has started, and not for a journey that needs no cluster.
    const again = await runBin(['--yes', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(again.stdout).toContain('Step 1 of');
    expect(again.stdout).not.toContain('Before the first step');
    const other = await runBin(['--journey', quest, '--yes', '--no-color', '--choose', 'path=forest', '--choose', 'gear=bow'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(other.exitCode).toBe(0);
    expect(other.stdout).not.toContain('Before the first step');
  });

  test('an input named like a credential is treated as secret even when its author forgot to say so', async () => {
    const journey = join(sandbox.root, 'forgetful');
    await mkdir(journey, { recursive: true });
    await writeFile(join(journey, 'journey.yaml'), 'id: forgetful\ntitle: Forgetful\nstart: only\n');
    await writeFile(join(journey, 'only.md'), '---\ntitle: Only\ninputs:\n  - name: API_TOKEN\n    prompt: Your token\n---\n\n```sh\ntest -n "$API_TOKEN"\n```\n');
    // An extra variable no input declares, set on the command line, is judged by its name the same way.
    const run = await runBin(['--journey', journey, '--yes', '--json', '--set', 'API_TOKEN=tok-3f9a77c1', '--set', 'EXTRA_PASSWORD=pw-77e1b0c2'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('{"event":"input","chapter":"only","name":"API_TOKEN","source":"flag","secret":true}');
    expect(run.stdout + run.stderr).not.toContain('tok-3f9a77c1');
    const status = await runBin(['status', '--journey', journey], { cwd: sandbox.workspace, env: sandbox.env });
    expect(status.stdout).toContain('API_TOKEN=••••••');
    expect(status.stdout).toContain('EXTRA_PASSWORD=••••••');
    expect(status.stdout).not.toContain('pw-77e1b0c2');
  });

  test('status masks a value that looks like a credential whatever its variable is called, as the mirror withholds it', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJoZXJvIn0.c2lnbmF0dXJlLWhlcmU';
    const run = await runBin(['--journey', quest, '--yes', '--no-sync', '--set', `HERO_NAME=Hero`, '--set', `LOGIN_HINT=${jwt}`, '--choose', 'path=forest', '--choose', 'gear=sword'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(run.exitCode, run.stderr).toBe(0);
    for (const args of [['status'], ['status', '--json']]) {
      const status = await runBin([...args, '--journey', quest], { cwd: sandbox.workspace, env: sandbox.env });
      expect(status.stdout, args.join(' ')).toMatch(/LOGIN_HINT(=|":\s*\{[^}]*"value":\s*")••••••/);
      expect(status.stdout, args.join(' ')).not.toContain(jwt.slice(0, 20));
      expect(status.stdout, args.join(' ')).toMatch(/HERO_NAME(=|":\s*\{[^}]*"value":\s*")Hero/);
    }
  });

  test('--dry-run shows every step, runs none, saves nothing', async () => {
    const marker = join(sandbox.workspace, 'ran');
    const result = await runBin(['--journey', quest, '--dry-run', '--choose', 'path=forest', '--choose', 'gear=sword'], {
      cwd: sandbox.workspace,
      env: sandbox.env,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.match(/dry run: not run/g)?.length).toBe(6);
    expect(result.stdout).toContain('echo "clang"');
    await expect(readdir(join(sandbox.env.XDG_STATE_HOME!, 'hero-journey'))).rejects.toThrow();
    await expect(readFile(marker)).rejects.toThrow();
  });

  test('status, back and reset work on saved progress', async () => {
    await runBin(['--journey', quest, '--yes', '--choose', 'path=forest', '--choose', 'gear=bow'], { cwd: sandbox.workspace, env: sandbox.env });
    const status = await runBin(['status', '--journey', quest], { cwd: sandbox.workspace, env: sandbox.env });
    expect(status.stdout).toMatch(/Journey complete/);
    expect(status.stdout).toMatch(/The fork in the road: Through the forest/);
    const back = await runBin(['back', '--journey', quest], { cwd: sandbox.workspace, env: sandbox.env });
    expect(back.stdout).toMatch(/Back at "The armoury"/);
    const json = JSON.parse((await runBin(['status', '--journey', quest, '--json'], { cwd: sandbox.workspace, env: sandbox.env })).stdout);
    expect(json.progress.current).toBe('gear');
    expect(json.progress.choices.gear).toBeUndefined();
    const refused = await runBin(['reset', '--journey', quest], { cwd: sandbox.workspace, env: sandbox.env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    const reset = await runBin(['reset', '--journey', quest, '--yes'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(reset.exitCode).toBe(0);
    const after = await runBin(['status', '--journey', quest], { cwd: sandbox.workspace, env: sandbox.env });
    expect(after.stdout).toMatch(/Not started here yet/);
  });

  test('a damaged progress file is set aside with a message', async () => {
    await runBin(['--journey', quest, '--yes', '--choose', 'path=forest', '--choose', 'gear=bow'], { cwd: sandbox.workspace, env: sandbox.env });
    const dir = join(sandbox.env.XDG_STATE_HOME!, 'hero-journey', 'quest');
    const [file] = await readdir(dir);
    await writeFile(join(dir, file!), '{"schemaVersion": 1, "cut off');
    const result = await runBin(['--journey', quest, '--yes', '--choose', 'path=forest', '--choose', 'gear=bow'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Progress was damaged/);
    expect((await readdir(dir)).some((f) => f.includes('.corrupt-'))).toBe(true);
  });

  test('workspaces keep separate progress', async () => {
    const other = join(sandbox.root, 'other');
    await mkdir(other);
    await runBin(['--journey', quest, '--yes', '--choose', 'path=forest', '--choose', 'gear=bow'], { cwd: sandbox.workspace, env: sandbox.env });
    const status = await runBin(['status', '--journey', quest, '--workspace', other], { cwd: sandbox.workspace, env: sandbox.env });
    expect(status.stdout).toMatch(/Not started here yet/);
  });

  test('an unknown journey folder and a broken journey give one clear message each', async () => {
    const missing = await runBin(['--journey', join(sandbox.root, 'nope')], { cwd: sandbox.workspace, env: sandbox.env });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(missing.stderr).toMatch(/journey/);
    const broken = await runBin(['--journey', join(repoRoot, 'test', 'fixtures', 'journeys', 'broken')], { cwd: sandbox.workspace, env: sandbox.env });
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/problems?/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
