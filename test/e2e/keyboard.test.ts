// A step that waits for the keyboard (`read -p`, an editor that `git commit` opens) gets the
// learner's terminal when play is interactive: the prompt shows, what the learner types reaches
// the step, and what it sets carries on. Without a terminal such a step gets no input, ends at
// once, and play says why. The built CLI runs in a real pseudo-terminal.

import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, TerminalSession, type Sandbox } from './pty.ts';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(() => sandbox.cleanup());

/** A plain tutorial of one page with these blocks (`sh keyboard=line\n...` gives the info string too). */
async function tutorial(blocks: string[]): Promise<string> {
  const dir = join(sandbox.root, 'tutorial');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'README.md'), `# Keyboard\n\n${blocks.map((code) => `\`\`\`${code.startsWith('sh ') ? '' : 'sh\n'}${code}\n\`\`\`\n`).join('\n')}`);
  return dir;
}

/** Run both steps of a two-step tutorial, typing `answer` at the `prompt` of step `asking`; the screen at the end. */
async function answerBoth(t: TerminalSession, prompt: string, answer: string, asking: 1 | 2 = 1): Promise<string> {
  try {
    for (const step of [1, 2]) {
      await t.waitFor(new RegExp(`Step ${step} of 2[\\s\\S]*Run this step\\?`), 30_000);
      t.press('enter');
      if (step !== asking) continue;
      await t.waitFor(prompt, 30_000);
      t.press(answer, 'enter');
    }
    await t.waitFor('The end of this journey', 30_000);
    expect(await t.exitCode(30_000)).toBe(0);
    return await t.screen();
  } finally {
    t.kill();
  }
}

describe('a step that waits for the keyboard', () => {
  test('in a terminal, `read -p` shows its prompt, gets what the learner types, and the answer carries to the next step', async () => {
    // The prompt is put together when the step runs, so the code on screen never shows it.
    const dir = await tutorial(['WHO=Na; read -p "${WHO}me please: " NAME; echo "hi $NAME"', 'echo "again $NAME" > name.txt']);
    const screen = await answerBoth(new TerminalSession(['--journey', dir], { cwd: sandbox.workspace, env: sandbox.env }), 'Name please: ', 'Ada');
    expect(screen).toContain('hi Ada');
    expect(await readFile(join(sandbox.workspace, 'name.txt'), 'utf8')).toBe('again Ada\n');
  }, 120_000);

  test('in a terminal, the editor `git commit` opens has the terminal, and the message typed there is committed', async () => {
    // An editor as small as can be: it needs a terminal on both ends, as vi and nano do.
    const editor = join(sandbox.root, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nif [ ! -t 0 ] || [ ! -t 1 ]; then echo "editor: not a terminal" >&2; exit 1; fi\nprintf "Commit message: "\nread -r message\nprintf "%s\\n" "$message" > "$1"\n');
    await chmod(editor, 0o755);
    const dir = await tutorial(['git init -q hero && cd hero && git commit --allow-empty -q', 'git log -1 --format=%s > ../message.txt']);
    const env = { ...sandbox.env, EDITOR: editor, GIT_AUTHOR_NAME: 'Hero', GIT_AUTHOR_EMAIL: 'hero@example.com', GIT_COMMITTER_NAME: 'Hero', GIT_COMMITTER_EMAIL: 'hero@example.com' };
    await answerBoth(new TerminalSession(['--journey', dir], { cwd: sandbox.workspace, env }), 'Commit message: ', 'First of Hero');
    expect(await readFile(join(sandbox.workspace, 'message.txt'), 'utf8')).toBe('First of Hero\n');
  }, 120_000);

  test('a script whose prompts the code does not show gets the keyboard when its block says keyboard=line', async () => {
    const dir = await tutorial([`printf '%s\\n' 'read -r -p "Col""our: " C' 'echo "colour $C" > colour.txt' > ask.sh`, 'sh keyboard=line\nbash ask.sh']);
    await answerBoth(new TerminalSession(['--journey', dir], { cwd: sandbox.workspace, env: sandbox.env }), 'Colour: ', 'green', 2);
    expect(await readFile(join(sandbox.workspace, 'colour.txt'), 'utf8')).toBe('colour green\n');
  }, 120_000);

  test('Ctrl-C at the prompt stops the step, as for any step: progress saved, nothing left waiting', async () => {
    const dir = await tutorial(['WHO=Na; read -p "${WHO}me please: " NAME; echo "hi $NAME"']);
    const t = new TerminalSession(['--journey', dir], { cwd: sandbox.workspace, env: sandbox.env });
    try {
      await t.waitFor(/Step 1 of 1[\s\S]*Run this step\?/, 30_000);
      t.press('enter');
      await t.waitFor('Name please: ', 30_000);
      t.press('ctrl-c');
      await t.waitFor('Stopped while the step ran', 30_000);
      expect(await t.exitCode(30_000)).toBe(130);
    } finally {
      t.kill();
    }
  }, 120_000);

  test('without a terminal, the step gets no input, ends at once, and play says it needed the keyboard', async () => {
    const dir = await tutorial(['read -p "Name? " NAME; echo "hi $NAME"']);
    const run = await runBin(['--journey', dir, '--yes', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(run.exitCode).toBe(1);
    const said = run.stdout.replace(/[\s│|]+/g, ' ');
    expect(said).toContain('This step reads the keyboard (`read` on line 1), and play is not interactive here (--yes, --json, or no terminal), so it got no input');
    expect(said).toContain('play it in a terminal without --yes');
  }, 120_000);
});
