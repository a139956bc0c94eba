// The trust question in a real pseudo-terminal: it lists every file that will load (imports
// included, links resolved), asks again when any of them changes, and what runs is what it showed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeSandbox, TerminalSession, type Sandbox } from '../e2e/pty.ts';
import { writeFiles } from './support.ts';

let sandbox: Sandbox;
let journey: string;

beforeEach(async () => {
  sandbox = await makeSandbox();
  journey = join(sandbox.root, 'journey');
  await writeFiles(journey, {
    'journey.yaml': 'id: trust-prompt\ntitle: Trust prompt\nstart: start\n',
    'start.md': '---\ntitle: Start\nchecks:\n  - use: greets\n---\n\n# Start\n',
    'checks/greets.ts': "import { defineCheck } from 'hero-journey/check';\nimport { word } from '../lib/word.mts';\nexport default defineCheck({ id: 'greets', title: 'Greets', reads: [], async run({ helpers }) { return helpers.pass(`says ${word}`); } });\n",
    'lib/word.mts': "export const word: string = 'hello';\n",
  });
});
afterEach(() => sandbox.cleanup());

async function checkOnce(answer: 'y' | 'n' | undefined): Promise<string> {
  const t = new TerminalSession(['check', 'start', '--journey', journey], { cwd: sandbox.workspace, env: sandbox.env, cols: 120 });
  try {
    if (answer) {
      await t.waitFor(/Run the check modules of this journey\?/);
      t.press(answer, 'enter');
    }
    await t.exitCode(30_000);
    return await t.screen();
  } finally {
    t.kill();
  }
}

it('lists the imported helper, runs what it showed, and asks again when the helper changes', async () => {
  const first = await checkOnce('y');
  expect(first).toContain('checks/greets.ts');
  expect(first).toContain('lib/word.mts');
  expect(first).toContain('says hello');
  // Agreed once: not asked again while nothing changed.
  expect(await checkOnce(undefined)).not.toContain('Run the check modules');
  writeFileSync(join(journey, 'lib', 'word.mts'), "export const word: string = 'changed';\n");
  const again = await checkOnce('y');
  expect(again).toContain('This journey wants to run code');
  expect(again).toContain('says changed');
});
