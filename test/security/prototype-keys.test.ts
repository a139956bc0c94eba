// Names a journey author or learner picks (inputs, variables, choice points, answers) are data,
// never JavaScript object machinery: `valueOf`, `toString`, `constructor`, `__proto__` work like any other.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressPath } from '../../src/state/store.ts';
import { runBin } from '../e2e/cli.ts';
import { makeSandbox, type Sandbox } from '../e2e/pty.ts';

const NAMES = ['valueOf', 'toString', 'constructor', '__proto__', 'hasOwnProperty'];

let sandbox: Sandbox;
let journey: string;
beforeEach(async () => {
  sandbox = await makeSandbox();
  journey = join(sandbox.root, 'proto');
  await mkdir(journey, { recursive: true });
  await writeFile(
    join(journey, 'journey.yaml'),
    ['id: proto', 'title: Proto', 'start: start', 'vars:', '  __proto__: from-vars', '  toString: from-vars', ''].join('\n'),
  );
  const inputs = NAMES.map((name) => `  - name: ${name}\n    prompt: Value of ${name}?\n    default: default-${name}`).join('\n');
  await writeFile(
    join(journey, 'start.md'),
    [
      '---',
      'title: Start',
      'inputs:',
      inputs,
      'next: constructor',
      '---',
      '',
      '```sh',
      ...NAMES.map((name) => `echo "${name} is [\${${name}}]"`),
      '```',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(journey, 'constructor.md'),
    [
      '---',
      'title: A choice point named constructor',
      'choices:',
      '  - id: valueOf',
      '    label: The valueOf way',
      '    goto: end',
      '  - id: toString',
      '    label: The toString way',
      '    goto: end',
      '---',
      '',
    ].join('\n'),
  );
  await writeFile(join(journey, 'end.md'), '---\ntitle: End\nwhen: \'choices["constructor"] == "toString" && vars.__proto__ != ""\'\n---\n\nDone.\n');
});
afterEach(async () => {
  await sandbox.cleanup();
});

const run = (args: string[]) => runBin([...args, '--journey', journey], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });

describe('user-named keys that are also JavaScript object names', () => {
  it('lints clean', async () => {
    const result = await runBin(['lint', journey], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });
    expect(result.stdout).toContain('no problems');
  });

  it('every input is asked (its default taken), --set sets each, the step sees them, and progress keeps them', async () => {
    const result = await run(['--yes', '--no-sync', '--choose', 'constructor=toString', ...NAMES.slice(0, 2).flatMap((name) => ['--set', `${name}=set-${name}`]), '--set', '__proto__=set-proto']);
    expect(result.stderr).not.toMatch(/hit a bug/);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    for (const name of NAMES) {
      const value = name === '__proto__' ? 'set-proto' : NAMES.indexOf(name) < 2 ? `set-${name}` : `default-${name}`;
      expect(result.stdout).toContain(`${name} = ${value}`);
      expect(result.stdout).toContain(`${name} is [${value}]`);
    }
    // The choice point named constructor was answered and its `when` saw the choice and the variable.
    expect(result.stdout).toContain('Done.');
    const saved = JSON.parse(await readFile(progressPath('proto', sandbox.workspace, sandbox.env), 'utf8'));
    expect(Object.getPrototypeOf(saved.vars)).toBe(Object.prototype);
    expect(Object.hasOwn(saved.vars, '__proto__')).toBe(true);
    expect(saved.vars.__proto__).toMatchObject({ value: 'set-proto' });
    expect(saved.choices.constructor).toMatchObject({ choice: 'toString' });

    const status = await run(['status']);
    expect(status.exitCode, status.stderr).toBe(0);
    for (const name of NAMES) expect(status.stdout).toMatch(new RegExp(`  ${name}=`));
  });
});
