// One-key menus, where-you-are lines and the commands play suggests, seen in a real terminal.
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { binPath, repoRoot, sandboxEachTest, type Sandbox, type TerminalSession } from './pty.ts';

const quest = join(repoRoot, 'test', 'fixtures', 'journeys', 'quest');

const { sandbox: current, open } = sandboxEachTest();
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = current();
});

/** Wait for text that may be wrapped anywhere a space is. */
async function waitForText(t: TerminalSession, text: string): Promise<string> {
  const words = text.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return t.waitFor(new RegExp(words.join('\\s+')));
}

async function saved(): Promise<{ current?: string; steps: Record<string, { status: string }>; choices: Record<string, { choice: string }> }> {
  const dir = join(sandbox.env.XDG_STATE_HOME!, 'hero-journey', 'quest');
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  return JSON.parse(await readFile(join(dir, file!), 'utf8'));
}

describe('one key per option', () => {
  test('c shows the command plain, s skips, r runs, a digit picks an option, q quits with the command to come back', async () => {
    const t = open(['--journey', quest, '--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    let screen = await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    expect(screen).toMatch(/r {2}Run it\n\s+s {2}Skip it/);
    // Where the learner is stays under every menu.
    expect(screen).toMatch(/Prologue \(part 1 of 4\) · chapter 1 of your path: The call to adventure · step 1 of 2/);
    t.press('c');
    await t.waitFor(/\n\s*export GREETING="Hello, \$\{HERO_NAME\} of the \$\{GUILD\}"\n/);
    t.press('?');
    await t.waitFor('The key before an option picks it at once.');
    t.press('r');
    await t.waitFor('Hello, Ada of the Wanderers');
    screen = await t.waitFor(/Stretch[\s\S]*Run this step\?[\s\S]*step 2 of 2/);
    t.press('s');
    screen = await t.waitFor('The fork in the road: what is your choice?');
    expect(screen).toMatch(/1 {2}Through the forest/);
    expect(screen).toMatch(/The road \(part 2 of 4\) · chapter 2 of your path/);
    t.press('1');
    await t.waitFor(/The forest[\s\S]*Run this step\?/);
    t.press('x');
    await t.waitFor('No option on "x": press ? to see the keys');
    t.press('q');
    await waitForText(t, `Progress saved. Run node ${binPath} --journey ${quest} again to continue where you stopped.`);
    expect(await t.exitCode()).toBe(0);
    const progress = await saved();
    expect(progress.current).toBe('path/forest');
    expect(progress.steps['start#step-2']?.status).toBe('skipped');
    expect(progress.choices.path?.choice).toBe('forest');
  });

  test('q at a choice point quits there, and a disabled option says why instead of being picked', async () => {
    const t = open(['--journey', quest, '--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers']);
    await t.waitFor(/Prepare a greeting[\s\S]*Run this step\?/);
    t.press('r');
    await t.waitFor(/Stretch[\s\S]*Run this step\?/);
    t.press('s');
    const screen = await t.waitFor('The fork in the road: what is your choice?');
    const river = /(\d) {2}Down the river/.exec(screen)?.[1];
    expect(river).toBeDefined();
    t.press(river!);
    await t.waitFor('Not available: Only sea folk know how to sail the river');
    t.press('q');
    await t.waitFor('Progress saved.');
    expect(await t.exitCode()).toBe(0);
    expect((await saved()).current).toBe('path');
  });
});

describe('after a failed step', () => {
  test('quitting says the progress is saved and how to come back', async () => {
    const journey = join(sandbox.root, 'failing');
    await mkdir(journey, { recursive: true });
    await writeFile(join(journey, 'journey.yaml'), 'id: failing\ntitle: Failing\nstart: only\n');
    await writeFile(join(journey, 'only.md'), '---\ntitle: Only\n---\n\n```sh\necho "no flag here" >&2; exit 3\n```\n');
    const t = open(['--journey', journey]);
    await t.waitFor('Run this step?');
    t.press('r');
    await t.waitFor('The step failed. What now?');
    t.press('q');
    await waitForText(t, `Progress saved. Run node ${binPath} --journey ${journey} again to pick up where it failed`);
    expect(await t.exitCode()).toBe(1);
  });
});

describe('the command play suggests is one that works here', () => {
  test('from a clone with npm start: init next to it, then play with --workspace', async () => {
    await writeFile(join(sandbox.workspace, 'package.json'), '{"name":"hero-journey"}\n');
    const flat = (text: string) => text.replace(/[\u2500-\u257f]/g, ' ').replace(/\s+/g, ' ');
    const result = await runBin(['--dry-run', '--no-color'], { cwd: sandbox.workspace, env: { ...sandbox.env, npm_lifecycle_event: 'start', npm_package_name: 'hero-journey' } });
    expect(flat(result.stdout)).toContain('npm start plays in the clone itself. Create the workspace next to it with "npm start -- init ../hero", then play there with "npm start -- --workspace ../hero"');
  });

  test('back, reset and doctor name the command as it was started, too', async () => {
    const npmStart = { ...sandbox.env, npm_lifecycle_event: 'start', npm_package_name: 'hero-journey' };
    const back = await runBin(['back', '--journey', quest], { cwd: sandbox.workspace, env: npmStart });
    expect(back.stderr).toContain('run "npm start" to play; "npm start -- reset" starts over');
  });

  test('with hero-journey on PATH, the plain name; through npx, npx hero-journey', async () => {
    const bin = join(sandbox.root, 'bin');
    await mkdir(bin);
    await symlink(binPath, join(bin, 'hero-journey'));
    const onPath = open(['--journey', quest, '--set', 'HERO_NAME=Ada', '--set', 'GUILD=Wanderers'], { env: { PATH: `${bin}:${sandbox.env.PATH}` } });
    await onPath.waitFor('Run this step?');
    onPath.press('q');
    await waitForText(onPath, `Progress saved. Run hero-journey --journey ${quest} again`);
    expect(await onPath.exitCode()).toBe(0);

    const npx = open(['--journey', quest], { env: { npm_command: 'exec' } });
    await npx.waitFor('Run this step?');
    npx.press('q');
    await waitForText(npx, `Progress saved. Run npx hero-journey --journey ${quest} again`);
    expect(await npx.exitCode()).toBe(0);
  });
});

describe('reasons a learner reads', () => {
  test('an answer that does not fit gets the author\'s message; skipped steps and chapters say why in words, not CEL', async () => {
    const journey = join(sandbox.root, 'reasons');
    await mkdir(journey, { recursive: true });
    const files: Record<string, string> = {
      'journey.yaml': 'id: reasons\ntitle: Reasons\nstart: pick\n',
      'pick.md': '---\ntitle: Pick a road\nchoices:\n  - {id: a, label: Road A, goto: a}\n  - {id: b, label: Road B, goto: b}\n---\n\nWhich road?\n',
      'a.md': '---\ntitle: Road A\nnext: shared\n---\n\nRoad A.\n',
      'b.md': '---\ntitle: Road B\nnext: shared\n---\n\nRoad B.\n',
      'shared.md': [
        '---',
        'title: Shared',
        'inputs:',
        '  - name: HANDLE',
        '    prompt: Your handle?',
        '    validate: "regex:[a-z0-9]{4,30}"',
        '    message: A handle is 4 to 30 lowercase letters or digits, like hero42.',
        'next: bonly',
        '---',
        '',
        '```sh title="Build the bridge" when=\'choices["pick"] == "b"\' because="road A has no river to cross"',
        'echo bridge',
        '```',
        '',
      ].join('\n'),
      'bonly.md': '---\ntitle: Only on road B\nwhen: choices["pick"] == "b"\nnext: end\n---\n\nB.\n',
      'end.md': '---\ntitle: The end\n---\n\nDone.\n',
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(journey, name), text);
    const t = open(['--journey', journey]);
    await t.waitFor('Pick a road: what is your choice?');
    t.press('1');
    await t.waitFor('Your handle?');
    t.press('AB', 'enter');
    await t.waitFor('A handle is 4 to 30 lowercase letters or digits, like hero42.');
    t.press('backspace', 'backspace', 'hero42', 'enter');
    await waitForText(t, 'Skipped step 1 of 1 (Build the bridge): road A has no river to cross');
    await waitForText(t, 'Skipped chapter "Only on road B": it applies only when you chose "Road B" at "Pick a road"');
    const screen = await t.waitFor('The end of this journey');
    expect(screen).not.toContain('choices[');
    expect(screen).not.toContain('[a-z0-9]');
    expect(await t.exitCode()).toBe(0);
  });
});

describe('screens at 80 and 120 columns', () => {
  test.each([80, 120])('%i columns: long commands fold inside their card, long titles are whole, wide output keeps its gutter', async (cols) => {
    const journey = join(sandbox.root, 'wide');
    await mkdir(journey, { recursive: true });
    const long = 'kubectl get deployment hero --namespace development-environment-of-hero --output jsonpath=\'{.status.availableReplicas}\' --request-timeout=30s -o';
    await writeFile(join(journey, 'journey.yaml'), 'id: wide\ntitle: Wide\nstart: only\n');
    await writeFile(
      join(journey, 'only.md'),
      [
        '---',
        'title: Only',
        '---',
        '',
        '```sh title="Install the CloudNativePG operator and wait until its admission webhook answers requests from the API server"',
        `true || ${long} name; true || { echo "kbld is missing: see https://carvel.dev/kbld/docs/latest/install/ and more words here" >&2; exit 1; }`,
        `printf 'x%.0s' $(seq 1 ${cols + 40}); echo`,
        '```',
        '',
      ].join('\n'),
    );
    const t = open(['--journey', journey], { cols });
    let screen = await t.waitFor('Run this step?');
    // The whole title is there (wrapped into the card), not cut with an ellipsis.
    expect(screen.replace(/[│|]/g, ' ').replace(/\s+/g, ' ')).toContain('Install the CloudNativePG operator and wait until its admission webhook answers requests from the API server');
    const card = screen.split('\n').filter((line) => line.startsWith('│'));
    expect(card.length).toBeGreaterThan(2);
    // Every row of the card ends in its border: nothing spilled over and was wrapped by the terminal.
    for (const row of card) expect(row.trimEnd().endsWith('│'), row).toBe(true);
    // No continuation that is empty, a lone brace, or a flag without its value.
    for (const row of card) expect(row, row).not.toMatch(/│ ↪\s*(\}|-o|-n)?\s*│$/);
    expect(card.some((row) => /-o\s*│$/.test(row)), 'a row ends in a flag without its value').toBe(false);
    t.press('r');
    screen = await t.waitFor(/done in/);
    const output = screen.split('\n').filter((line) => line.includes('xxxxxxxxxx'));
    expect(output.length).toBeGreaterThan(1);
    for (const row of output) expect(row, row).toMatch(/^ {2}│ x+$/);
    expect(await t.exitCode()).toBe(0);
  });
});
