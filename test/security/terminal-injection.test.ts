// A hostile journey and progress file fed through every command: nothing they carry may reach
// the learner's terminal as a control sequence (clipboard writes, titles, clear screen, 8-bit
// CSI, bidi overrides, a link left open), while hero-journey's own colours and links stay.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressPath } from '../../src/state/store.ts';
import { runBin } from '../e2e/cli.ts';
import { makeSandbox, TerminalSession, type Sandbox } from '../e2e/pty.ts';

const ESC = '\u001B';
const BEL = '\u0007';
/** Every trick at once; `38;5;199` is a colour hero-journey never uses, so it can only come from here. */
const H = [
  `${ESC}]52;c;ZWNobyBwd25lZA==${BEL}`,
  `${ESC}]0;pwned${ESC}\\`,
  `${ESC}[2J${ESC}[H`,
  `${ESC}[38;5;199m`,
  '\u009B2J',
  '\u009D0;pwned\u009C',
  `${ESC}[6n`,
  '\u202Eevil\u202C',
  '\u200B\u2066',
  `${ESC}]8;;https://open.evil.example${BEL}`,
].join('');

/** A YAML double-quoted string holding `text` with every non-printable character escaped. */
function yamlString(text: string): string {
  const escaped = [...text]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (ch === '"' || ch === '\\') return `\\${ch}`;
      if (code >= 0x20 && code < 0x7f) return ch;
      return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .join('');
  return `"${escaped}"`;
}

/** What in `output` came from the hostile input instead of from hero-journey. */
function leaks(output: string, options: { stepOutput?: boolean } = {}): string[] {
  const found: string[] = [];
  const near = (index: number) => JSON.stringify(output.slice(Math.max(0, index - 40), index + 10));
  for (const [what, pattern] of [
    // A step's own output keeps its colours (kubectl, helm), nothing else.
    ['a colour from the input', options.stepOutput ? /$^/ : /\u001B\[38;5;199m/],
    ['clear screen', /\u001B\[[23]?J/],
  ] as const) {
    const match = pattern.exec(output);
    if (match) found.push(`${what} near ${near(match.index)}`);
  }
  const rest = output
    .replace(/\u001B\[[\d;:]*m/g, '')
    .replace(/\u001B\]8;;[^\u0007\u001B]*\u0007/g, '')
    .replace(/\u001B\[\d*(?:;\d*)?[A-HJK]|\u001B\[\?25[hl]/g, '');
  const raw = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/u.exec(rest);
  if (raw) found.push(`U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} near ${JSON.stringify(rest.slice(Math.max(0, raw.index - 40), raw.index + 10))}`);
  // Every link opened is closed on the same line.
  for (const line of output.split('\n')) {
    const links = line.match(/\u001B\]8;;[^\u0007\u001B]*\u0007/g) ?? [];
    let open = false;
    for (const link of links) open = link !== `${ESC}]8;;${BEL}`;
    if (open) found.push(`a link left open in ${JSON.stringify(line.slice(0, 60))}`);
  }
  return found;
}

let sandbox: Sandbox;
let journey: string;
let lintJourney: string;
let env: Record<string, string>;
beforeAll(async () => {
  sandbox = await makeSandbox();
  env = { ...sandbox.env, FORCE_COLOR: '1', FORCE_HYPERLINK: '1' };
  journey = join(sandbox.root, 'hostile');
  const q = yamlString(`Title ${H}`);
  await mkdir(join(journey, 'checks'), { recursive: true });
  await writeFile(
    join(journey, 'journey.yaml'),
    [
      'id: hostile',
      `title: ${q}`,
      `description: ${q}`,
      'start: start',
      'phases:',
      '  - id: one',
      `    title: ${q}`,
      '    chapters: [start, fork, left, right]',
      'inputs:',
      '  - name: COLOUR',
      `    prompt: ${q}`,
      `    default: ${q}`,
      'vars:',
      `  REALM: ${q}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(journey, 'start.md'),
    [
      '---',
      `title: ${q}`,
      `summary: ${q}`,
      'next: fork',
      '---',
      '',
      `# Heading ${H}`,
      '',
      `Prose ${H} and \`code ${H}\` and [a link ${H}](https://docs.example/${H}).`,
      '',
      `\`\`\`sh title=${JSON.stringify(`Step ${H}`)}`,
      `printf '%s\\n' "$COLOUR" "$REALM"`,
      `printf '\\033]52;c;ZXZpbA==\\007\\033]0;pwned\\007\\033[2J\\033[38;5;199mSTEP\\302\\233 2J\\342\\200\\256\\n'`,
      `export CAPTURED=${JSON.stringify(`v${H}`).replace(/\$/g, '\\$')}`,
      `echo 'raw ${H} in code'`,
      '```',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(journey, 'fork.md'),
    [
      '---',
      `title: ${yamlString(`Fork ${H}`)}`,
      'choices:',
      '  - id: left',
      `    label: ${yamlString(`Left ${H}`)}`,
      `    summary: ${q}`,
      '    goto: left',
      '  - id: right',
      `    label: ${yamlString(`Right ${H}`)}`,
      '    goto: right',
      '    when: vars.REALM == "never"',
      `    because: ${yamlString(`Because ${H}`)}`,
      '---',
      '',
      'Pick one.',
      '',
    ].join('\n'),
  );
  await writeFile(join(journey, 'left.md'), `---\ntitle: ${yamlString(`Left ${H}`)}\n---\n\nThe end ${H}.\n`);
  await writeFile(join(journey, 'right.md'), `---\ntitle: Right\ndead-end: true\nmessage: ${yamlString(`Dead ${H}`)}\n---\n\nNo.\n`);
  // For lint: a file name and a key are outside text too.
  lintJourney = join(sandbox.root, 'hostile-lint');
  await cp(journey, lintJourney, { recursive: true });
  await writeFile(join(lintJourney, `bad${ESC}]0;pwned${BEL}\u202Ename.md`), `---\ntitle: x\n${yamlString(`unknown${H}`)}: 1\n---\n`);

  const at = new Date().toISOString();
  const progressFile = progressPath('hostile', sandbox.workspace, env);
  await mkdir(dirname(progressFile), { recursive: true });
  await writeFile(
    progressFile,
    JSON.stringify({
      schemaVersion: 1,
      journeyId: 'hostile',
      workspace: sandbox.workspace,
      startedAt: at,
      updatedAt: at,
      current: 'left',
      finished: false,
      choices: { fork: { choice: `left${H}`, at }, [`gone${H}`]: { choice: H, at } },
      vars: { COLOUR: { value: `red${H}`, source: 'input', secret: false, at }, [`NAME${H}`]: { value: H, source: 'capture', chapter: `start${H}`, secret: false, at } },
      steps: { [`start#${H}`]: { status: 'done', at } },
      checks: { start: { status: 'failed', at, reason: `reason ${H}` }, [`gone${H}`]: { status: 'passed', at } },
      history: [{ chapter: 'start', at, outcome: 'completed' }, { chapter: 'fork', at, outcome: 'completed' }, { chapter: `gone${H}`, at, outcome: 'completed' }, { chapter: 'left', at }],
    }),
  );
});
afterAll(async () => {
  await sandbox.cleanup();
});

const commands: Array<[string, string[]]> = [
  ['lint', ['lint']],
  ['map', ['map', '--journey']],
  ['map --format mermaid', ['map', '--format', 'mermaid', '--journey']],
  ['status', ['status', '--journey']],
  ['show', ['show', 'start', '--journey']],
  ['show of a chapter that is not there (error)', ['show', `nope${H}`, '--journey']],
  ['--choose of a choice point that is not there (error)', ['--dry-run', '--yes', '--choose', `x${H}=y`, '--journey']],
  ['--dry-run', ['--dry-run', '--yes', '--no-sync', '--choose', 'fork=left', '--workspace', '.', '--journey']],
];

describe('terminal injection through every command', () => {
  for (const [name, args] of commands) {
    it(name, async () => {
      const argv = [...args, args[0] === 'lint' ? lintJourney : journey];
      const result = await runBin(argv, { cwd: sandbox.workspace, env, timeoutMs: 30_000 });
      expect(result.stderr).not.toMatch(/hit a bug/);
      expect(result.stdout.length + result.stderr.length).toBeGreaterThan(0);
      expect(leaks(result.stdout), `stdout of ${name}`).toEqual([]);
      expect(leaks(result.stderr), `stderr of ${name}`).toEqual([]);
    });
  }

  it('play: the variable echo, step output, choice notices and the next chapter', async () => {
    const workspace = join(sandbox.root, 'fresh');
    await mkdir(workspace, { recursive: true });
    const result = await runBin(['--yes', '--no-sync', '--choose', 'fork=left', '--set', `EXTRA=${H}`, '--journey', journey], { cwd: workspace, env, timeoutMs: 60_000 });
    expect(result.stderr).not.toMatch(/hit a bug/);
    expect(result.stdout).toContain('STEP');
    expect(leaks(result.stdout, { stepOutput: true })).toEqual([]);
    expect(leaks(result.stderr)).toEqual([]);
  });

  it('the resume prompt, in a terminal', async () => {
    const session = new TerminalSession(['--no-sync', '--journey', journey], { cwd: sandbox.workspace, env: { ...sandbox.env, FORCE_HYPERLINK: '1' } });
    try {
      await session.waitFor('Welcome back: resuming at', 30_000);
      await session.waitFor('The end', 30_000);
      expect(leaks(session.rawOutput())).toEqual([]);
    } finally {
      session.kill();
    }
  });
});
