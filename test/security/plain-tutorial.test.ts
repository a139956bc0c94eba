// A plain Markdown tutorial (or Killercoda scenario) from someone else, played as it is: terminal
// escape sequences in its headings, link text and summaries; links that loop or lead out of the
// folder; symbolic links out of it; huge pages; thousands of pages. Each gets a clear error or
// bounded work, nothing outside the folder is read, and nothing unsanitised reaches the terminal.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBin, type CliResult } from '../e2e/cli.ts';
import { makeSandbox, TerminalSession, type Sandbox } from '../e2e/pty.ts';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const SECRET = 'TOP-SECRET-OUTSIDE-THE-TUTORIAL';

/** A tutorial folder with these pages (path → text), and a secret page next to it, outside. */
async function tutorial(pages: Record<string, string>, name = 'tutorial'): Promise<string> {
  const dir = join(sandbox.root, name);
  for (const [file, text] of Object.entries(pages)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  await writeFile(join(sandbox.root, 'secret.md'), `# ${SECRET}\n\n\`\`\`sh\necho ${SECRET}\n\`\`\`\n`);
  return dir;
}

const run = (args: string[]) => runBin([...args, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });

/** What every run must hold: no stack trace, no control character, nothing from outside the folder. */
function expectSafe(result: CliResult, what: string): void {
  const output = result.stdout + result.stderr;
  expect(output, what).not.toMatch(/hit a bug|\n {4}at /);
  // eslint-disable-next-line no-control-regex
  expect(output, what).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/);
  expect(output, what).not.toContain(SECRET);
}

const ESC = '\u001b';
const BEL = '\u0007';

describe('a hostile plain tutorial', () => {
  it('escape sequences in headings, link text and summaries never reach the terminal raw', async () => {
    const dir = await tutorial({
      'README.md': [
        `# Hero ${ESC}]0;pwned-title${BEL} guide ${ESC}]52;c;cHduZWQ=${BEL}`,
        '',
        `Some text with [a link ${ESC}[2J${ESC}[H that clears](left.md).`,
        '',
        '```sh',
        `echo "${ESC}]0;pwned-step${BEL}"`,
        '```',
        '',
        `## Which way ${ESC}]8;;https://evil.example/${BEL}now?`,
        '',
        `- [Left ${ESC}]0;pwned-left${BEL}](left.md) — a summary ${ESC}]52;c;AAAA${BEL}`,
        `- [Right ${ESC}[31m](right.md): ${ESC}[6n`,
        '',
      ].join('\n'),
      'left.md': `# Left ${ESC}]0;pwned${BEL}\n\nOnly if you use EKS${ESC}]0;x${BEL}:\n\n\`\`\`sh\necho left\n\`\`\`\n`,
      'right.md': '# Right\n',
    });
    for (const args of [['lint', dir], ['lint', dir, '--json'], ['map', '--journey', dir], ['show', 'README', '--journey', dir], ['--journey', dir, '--dry-run', '--choose', 'README=left', '--set', 'USING_EKS=yes']]) {
      expectSafe(await run(args), args.join(' '));
    }
    // In a real terminal, with colours: the only escape sequences are hero-journey's own.
    const t = new TerminalSession(['--journey', dir, '--dry-run'], { cwd: sandbox.workspace, env: { ...sandbox.env, FORCE_COLOR: '1' } });
    try {
      await t.waitFor(/Which way|Left|Right/, 30_000);
    } finally {
      t.kill();
    }
    const raw = t.rawOutput();
    for (const injected of [`${ESC}]0;pwned`, `${ESC}]52;`, `${ESC}[2J${ESC}[H that`, `${ESC}[6n`, `${ESC}]8;;https://evil.example/`]) expect(raw).not.toContain(injected);
  }, 300_000);

  it('links that loop, point at the page itself or lead out of the folder end; nothing outside is read', async () => {
    const dir = await tutorial({
      'README.md': '# Start\n\n[Me](README.md) [up](../secret.md) [passwd](../../../../../etc/passwd) [abs](/etc/passwd)\n\nNext: [A](a.md)\n',
      'a.md': '# A\n\nSee [the secret](../secret.md) and [the start](./README.md).\n\nNext: [B](b/)\n',
      'b/README.md': '# B\n\nNext: [A again](../a.md)\n',
    });
    const lint = await run(['lint', dir]);
    expectSafe(lint, 'lint');
    // The loop is the tutorial's own problem: lint says so and ends.
    expect(lint.stdout).toContain('next: b (the closing "B" link)');
    expect(lint.stdout).toMatch(/no ending|loop/);
    expectSafe(await run(['--journey', dir, '--dry-run']), 'play --dry-run');
  }, 300_000);

  it('a symbolic link out of the folder is refused by name, as a page, as the root README and as a scenario file', async () => {
    const linked = await tutorial({ 'README.md': '# Start\n\nNext: [Evil](docs/evil.md)\n' }, 'linked');
    await mkdir(join(linked, 'docs'));
    await symlink(join(sandbox.root, 'secret.md'), join(linked, 'docs', 'evil.md'));
    const rootLink = join(sandbox.root, 'root-link');
    await mkdir(rootLink);
    await symlink(join(sandbox.root, 'secret.md'), join(rootLink, 'README.md'));
    const scenario = await tutorial({ 'index.json': JSON.stringify({ details: { steps: [{ text: 'step1.md' }] } }) }, 'scenario');
    await symlink(join(sandbox.root, 'secret.md'), join(scenario, 'step1.md'));
    for (const dir of [linked, rootLink, scenario]) {
      for (const args of [['lint', dir], ['--journey', dir, '--dry-run'], ['convert', dir, '--out', join(sandbox.root, 'out')]]) {
        const result = await run(args);
        expectSafe(result, args.join(' '));
        expect(result.exitCode, args.join(' ')).toBe(1);
        expect(result.stderr, args.join(' ')).toContain('outside the journey folder');
      }
    }
  }, 300_000);

  it('a huge page is refused with its size; a page too long to be a chapter is a problem with file:line', async () => {
    const huge = await tutorial({ 'README.md': '# Start\n\nNext: [Reference](reference.md)\n', 'reference.md': `# Reference\n\n${'x'.repeat(5_000_000)}\n` }, 'huge');
    const result = await run(['lint', huge]);
    expectSafe(result, 'lint huge');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('reference.md in the journey at');
    expect(result.stderr).toContain('5.0 MB: too large');
    const long = await tutorial({ 'README.md': '# Start\n\nNext: [Reference](reference.md)\n', 'reference.md': `# Reference\n\n${'word '.repeat(300_000)}\n` }, 'long');
    const lint = await run(['lint', long]);
    expectSafe(lint, 'lint long');
    expect(lint.stdout).toContain('reference.md:1  the file has 1.5 million characters; a chapter may have at most 1 million');
  }, 300_000);

  it('thousands of pages: only the pages the tutorial reaches are read, and lint ends', async () => {
    const pages: Record<string, string> = { 'README.md': '# Start\n\nNext: [Page 0](pages/p0.md)\n' };
    // 3,000 pages in a chain, each with a step, and 2,000 pages nothing links to.
    for (let i = 0; i < 3000; i++) pages[`pages/p${i}.md`] = `# Page ${i}\n\n\`\`\`sh\necho ${i}\n\`\`\`\n${i < 2999 ? `\nNext: [Page ${i + 1}](p${i + 1}.md)\n` : ''}`;
    const dir = await tutorial(pages, 'many');
    await mkdir(join(dir, 'unlinked'));
    const junk = '['.repeat(1_000);
    for (let i = 0; i < 2000; i++) await writeFile(join(dir, 'unlinked', `u${i}.md`), junk);
    const lint = await run(['lint', dir, '--json']);
    expectSafe(lint, 'lint');
    const report = JSON.parse(lint.stdout) as { ok: boolean; inferred: { message: string }[] };
    expect(report.inferred.filter((inference) => inference.message.startsWith('step 1 from')).length).toBe(3000);
  }, 600_000);

  it('a Killercoda index.json with a huge steps list is refused by its count, before any page is read', async () => {
    // 100,000 steps, each naming a FIFO that would block whoever opened it.
    const dir = await tutorial({ 'index.json': JSON.stringify({ title: 'Huge', details: { intro: { text: 'intro.md' }, steps: Array.from({ length: 100_000 }, (_, i) => ({ text: `step${i}.md`, verify: 'pipe' })) } }), 'intro.md': '# Intro\n' }, 'many-steps');
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    for (const args of [['lint', dir], ['lint', dir, '--json'], ['--journey', dir, '--dry-run']]) {
      const result = await run(args);
      expectSafe(result, args.join(' '));
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.stdout + result.stderr, args.join(' ')).toContain('index.json lists 100000 steps in `details.steps`: a scenario may have at most 200');
      expect(result.stdout + result.stderr, args.join(' ')).toContain('split it into scenarios of at most 200 steps each');
    }
  }, 300_000);

  it('scenario pages and scripts that are FIFOs, devices, folders, outside the folder or huge are refused by name; the total read is bounded', async () => {
    const scenario = async (name: string, step: Record<string, string>, extra: Record<string, string> = {}): Promise<string> =>
      tutorial({ 'index.json': JSON.stringify({ details: { steps: [{ text: 'text.md', ...step }] } }), 'text.md': '# Step\n\n`echo hi`{{exec}}\n', ...extra }, name);
    const cases: { dir: string; says: string }[] = [];
    const fifo = await scenario('fifo', { verify: 'verify.sh' });
    execFileSync('mkfifo', [join(fifo, 'verify.sh')]);
    cases.push({ dir: fifo, says: 'verify.sh in the journey at' });
    cases.push({ dir: fifo, says: 'is a named pipe (FIFO), not a file' });
    const folder = await scenario('folder', { verify: 'scripts' });
    await mkdir(join(folder, 'scripts'));
    cases.push({ dir: folder, says: 'scripts in the journey at' });
    cases.push({ dir: folder, says: 'is a folder, not a file' });
    const device = await scenario('device', { background: 'setup.sh' });
    await symlink('/dev/zero', join(device, 'setup.sh'));
    cases.push({ dir: device, says: 'setup.sh in the journey at' });
    cases.push({ dir: device, says: 'leads to /dev/zero, outside the journey folder' });
    const linked = await scenario('linked', { verify: 'check.sh' });
    await symlink(join(sandbox.root, 'secret.md'), join(linked, 'check.sh'));
    cases.push({ dir: linked, says: 'outside the journey folder' });
    cases.push({ dir: await scenario('outside', { text: '../secret.md', verify: '/etc/passwd' }), says: '`../secret.md` is outside the scenario folder' });
    cases.push({ dir: await scenario('absolute', { verify: '/etc/passwd' }), says: '`/etc/passwd` is outside the scenario folder' });
    cases.push({ dir: await scenario('huge', { verify: 'verify.sh' }, { 'verify.sh': `#!/bin/sh\n# ${'x'.repeat(5_000_000)}\n` }), says: 'verify.sh in the journey at' });
    cases.push({ dir: join(sandbox.root, 'huge'), says: '5.0 MB: too large for a page or script' });
    // Forty steps, each with its own 3 MB page: each is small enough, together they are too much.
    const pages: Record<string, string> = {};
    for (let i = 0; i < 40; i++) pages[`s${i}.md`] = `# Step ${i}\n\n${'word '.repeat(600_000)}\n`;
    const heavy = await tutorial({ 'index.json': JSON.stringify({ details: { steps: Array.from({ length: 40 }, (_, i) => ({ text: `s${i}.md` })) } }), ...pages }, 'heavy');
    cases.push({ dir: heavy, says: 'has more than 32 MB of pages and scripts to read' });
    cases.push({ dir: heavy, says: 'goes past it' });
    for (const { dir, says } of cases) {
      for (const args of [['lint', dir], ['--journey', dir, '--dry-run']]) {
        const result = await run(args);
        expectSafe(result, `${args.join(' ')}: ${says}`);
        expect(result.exitCode, args.join(' ')).toBe(1);
        expect(result.stdout + result.stderr, `${args.join(' ')}`).toContain(says);
      }
    }
  }, 600_000);
});
