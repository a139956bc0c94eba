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
    const dir = await journeyWith(`when: '${'true || '.repeat(150_000)}true'`);
    await expectCleanRefusal(dir, /second\.md:3 +`when` is not a valid expression: the expression is 1200004 characters long; at most 4096 are allowed/);
  });
});
