// A journey that tries to freeze or crash hero-journey: expensive or huge expressions, YAML alias
// bombs, huge files. Each gets a clear error with file:line, quickly, and never a stack trace.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBin } from '../e2e/cli.ts';
import { makeSandbox, type Sandbox } from '../e2e/pty.ts';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

/** A journey whose second chapter has `frontMatter`; lint, dry-run and play all meet it. */
async function journeyWith(frontMatter: string, body = 'Text.\n'): Promise<string> {
  const dir = join(sandbox.root, 'journey');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'journey.yaml'), 'id: limits\ntitle: Limits\nstart: start\n');
  await writeFile(join(dir, 'start.md'), '---\ntitle: Start\nnext: second\n---\n\nHello.\n');
  await writeFile(join(dir, 'second.md'), `---\ntitle: Second\n${frontMatter}\n---\n\n${body}`);
  return dir;
}

const commands = [['lint'], ['--dry-run', '--yes', '--no-sync'], ['--yes', '--no-sync']];
async function expectCleanRefusal(dir: string, pattern: RegExp): Promise<void> {
  for (const args of commands) {
    const argv = args[0] === 'lint' ? [...args, dir] : [...args, '--journey', dir];
    const result = await runBin(argv, { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });
    const output = result.stdout + result.stderr;
    expect(result.exitCode, `${args.join(' ')}: ${output.slice(0, 2000)}`).toBe(1);
    expect(output, args.join(' ')).toMatch(pattern);
    expect(output, args.join(' ')).not.toMatch(/hit a bug|\n {4}at /);
    // The message stays readable: no megabyte of the input in it.
    expect(output.length, args.join(' ')).toBeLessThan(20_000);
  }
}

describe('expression limits', () => {
  it('refuses nested comprehensions that would block lint and play, as Kubernetes bounds validation rules', async () => {
    // 100^4 steps: about ten seconds of a blocked event loop.
    const list = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
    const dir = await journeyWith(`when: '${list}.all(a, ${list}.all(b, ${list}.all(c, ${list}.all(d, a + b + c + d >= 0))))'`);
    await expectCleanRefusal(dir, /second\.md:3 +`when` is not a valid expression: the expression may take up to .* steps to evaluate, more than the 1,000,000 allowed/);
  });

  it('refuses nested comprehensions over values whose size is not written out', async () => {
    const dir = await journeyWith("when: 'vars.all(a, vars.all(b, vars.all(c, a != b)))'");
    await expectCleanRefusal(dir, /second\.md:3 +`when` is not a valid expression: the expression may take up to/);
  });

  it('refuses a very long expression with file:line and without repeating all of it', async () => {
    const dir = await journeyWith(`when: '${'true || '.repeat(12_000)}true'`);
    await expectCleanRefusal(dir, /second\.md:3 +`when` is not a valid expression: the expression is 96004 characters long; at most 4096 are allowed/);
  });
});

describe('huge or hostile YAML and Markdown', () => {
  it('refuses more than 100 YAML aliases in an assert with file:line', async () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `        k${i}: *meta`).join('\n');
    const dir = await journeyWith(`checks:\n  - assert:\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: &meta\n        name: x\n      data:\n${aliases}`);
    await expectCleanRefusal(dir, /second\.md:4 +`assert` cannot be read: Excessive alias count \(more than 100 uses of YAML aliases such as \*name\): write the values out/);
  });

  it('refuses more than 100 YAML aliases in the `with` of a check module with file:line', async () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `      k${i}: *big`).join('\n');
    const dir = await journeyWith(`checks:\n  - use: hero/ready\n    with:\n      base: &big\n        name: x\n${aliases}`);
    await mkdir(join(dir, 'checks', 'hero'), { recursive: true });
    await writeFile(join(dir, 'checks', 'hero', 'ready.js'), "export default { id: 'ready', title: 'Ready', run: () => ({ ok: true, reason: 'yes' }) };\n");
    await expectCleanRefusal(dir, /second\.md:5 +`with` cannot be read: Excessive alias count/);
  });

  it('refuses a 10 MB chapter file with file:line', async () => {
    const dir = await journeyWith('', `${'Hero walks on and on. '.repeat(20)}\n`.repeat(25_000));
    await expectCleanRefusal(dir, /second\.md:1 +the file has 11\.\d million characters; a chapter may have at most 1 million: split it into several chapters/);
  });

  it('refuses Markdown nested too deeply to read with file:line', async () => {
    const dir = await journeyWith('', `${'>'.repeat(20_000)} deep\n`);
    await expectCleanRefusal(dir, /second\.md:\d+ +the Markdown is nested too deeply or has a block too long to read/);
  });
});

describe('a journey that loops', () => {
  it('a run whose --choose answers go round a loop stops with the loop named, quickly, progress saved', async () => {
    const dir = join(sandbox.root, 'loop');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'journey.yaml'), 'id: loop\ntitle: Loop\nstart: fork\n');
    await writeFile(join(dir, 'fork.md'), '---\ntitle: Fork\nchoices:\n  - id: again\n    label: Again\n    goto: round\n  - id: stop\n    label: Stop\n    goto: end\n---\n\nPick.\n');
    await writeFile(join(dir, 'round.md'), '---\ntitle: Round\nnext: fork\n---\n\nAround.\n');
    await writeFile(join(dir, 'end.md'), '---\ntitle: End\n---\n\nDone.\n');
    for (const extra of [[], ['--dry-run']]) {
      const result = await runBin(['--yes', '--no-sync', '--choose', 'fork=again', ...extra, '--journey', dir], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 50_000 });
      expect(result.exitCode, extra.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/journey "loop" came round to "Fork" 100 times without anyone choosing: Fork → Round → Fork repeats forever/);
      expect(result.stderr).toContain('--choose fork=again');
      expect(result.stderr).not.toMatch(/hit a bug|\n {4}at /);
    }
    const status = await runBin(['status', '--journey', dir], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });
    expect(status.stdout).toContain('Current chapter: Fork [fork]');
  });
});

// RE2 matches in time linear in the text; JavaScript's RegExp backtracks, and these patterns on
// these 40 letters would take longer than the universe has existed.
describe('patterns that backtrack', () => {
  const word = `${'a'.repeat(40)}!`;

  it('a condition that uses matches() on a long answer decides at once', async () => {
    const dir = await journeyWith(`when: 'vars.WORD.matches("^(a+)+$")'`);
    for (const args of [['--dry-run', '--yes', '--no-sync'], ['--yes', '--no-sync']]) {
      const result = await runBin([...args, '--journey', dir, '--set', `WORD=${word}`], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout + result.stderr).not.toMatch(/hit a bug/);
    }
  });

  it('an answer checked against a validate pattern is refused at once, with the rule it breaks', async () => {
    const dir = await journeyWith('inputs:\n  - name: WORD\n    prompt: A word?\n    validate: "regex:(a+)+b"');
    const result = await runBin(['--yes', '--no-sync', '--journey', dir, '--set', `WORD=${word}`], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/WORD/);
    expect(result.stdout + result.stderr).not.toMatch(/hit a bug|\n {4}at /);
  });

  it('a pattern RE2 cannot run (lookaround, backreferences) is a lint error with file:line', async () => {
    const inWhen = await journeyWith(`when: 'vars.WORD.matches("(?=a)b")'`);
    await expectCleanRefusal(inWhen, /second\.md:3 +`when` is not a valid expression: matches\(\): .*`\(\?=`.*RE2 syntax/);
    const inValidate = await journeyWith('inputs:\n  - name: WORD\n    prompt: A word?\n    validate: "regex:(a)\\\\1"');
    await expectCleanRefusal(inValidate, /second\.md:\d+ +`validate` pattern does not compile: .*\\1.*RE2 syntax/);
  });
});
