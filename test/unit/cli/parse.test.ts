import { describe, expect, test } from 'vitest';
import { parseCli } from '../../../src/cli/parse.ts';
import { helpText } from '../../../src/cli/help.ts';
import { commands, options } from '../../../src/cli/options.ts';

describe('parseCli', () => {
  test.each([
    [[], { command: 'play', args: [] }],
    [['play'], { command: 'play' }],
    [['status', '--json'], { command: 'status', json: true }],
    [['map', '--format', 'mermaid'], { command: 'map', format: 'mermaid' }],
    [['map', '--format', 'json'], { command: 'map', json: true, format: undefined }],
    [['lint', 'some/dir'], { command: 'lint', args: ['some/dir'] }],
    [['--workspace', '/w', '--journey', 'j'], { workspace: '/w', journey: 'j' }],
    [['-w', '/w'], { workspace: '/w' }],
    [['--yes', '--choose', 'a=b', '--choose', 'c/d=e=f'], { yes: true, choose: { a: 'b', 'c/d': 'e=f' } }],
    [['--set', 'EMAIL=a@b.c', '--answers', 'x.yaml'], { set: { EMAIL: 'a@b.c' }, answers: 'x.yaml' }],
    [['--dry-run'], { dryRun: true }],
    [[], { pager: true }],
    [['--no-pager'], { pager: false }],
    [['--context', 'kind-hero', '--kubeconfig', 'k'], { context: 'kind-hero', kubeconfig: 'k' }],
    [['--no-color'], { color: false }],
    [['--color'], { color: true }],
    [['--version'], { version: true }],
    [['-h'], { help: true }],
    [['--vote'], { vote: 0 }],
    [['--vote', '--yes'], { vote: 0, yes: true }],
    [['--vote', '4000', '--vote-host', '0.0.0.0', '--vote-seconds', '60'], { vote: 4000, voteHost: '0.0.0.0', voteSeconds: 60 }],
    [['--follow', 'http://10.0.0.5:4000/?code=abc234'], { follow: 'http://10.0.0.5:4000/?code=abc234' }],
    [['verify', 'class/', '--path', 'room.json'], { command: 'verify', path: 'room.json' }],
  ] as const)('%j', (argv, expected) => {
    expect(parseCli([...argv])).toMatchObject(expected);
  });

  test.each([
    [['bogus'], /unknown command "bogus"/],
    [['stauts'], /unknown command "stauts"/],
    [['--wrokspace', 'x'], /unknown flag --wrokspace \(did you mean --workspace\?\)/],
    [['--choose', 'nochapter'], /--choose expects CHAPTER=OPTION/],
    [['--set', '=x'], /--set expects NAME=VALUE/],
    [['map', '--format', 'dot'], /unknown --format "dot"/],
    [['status', '--dry-run'], /--dry-run does not apply to "hero-journey status"/],
    [['status', 'extra'], /unexpected argument "extra"/],
    [['--journey'], /--journey needs a value/],
    [['--vote-seconds', '30'], /--vote-seconds needs --vote/],
    [['--vote', '--vote-seconds', '0'], /--vote-seconds expects a whole number from 1/],
    [['--vote', '70000'], /--vote expects a whole number from 0 to 65535/],
    [['--vote', '--follow', 'http://x:1/'], /--vote and --follow do not go together/],
    [['--follow', 'ftp://x'], /--follow expects the presenter's address/],
    [['status', '--vote'], /--vote does not apply to "hero-journey status"/],
  ] as const)('rejects %j', (argv, message) => {
    expect(() => parseCli([...argv])).toThrow(message);
    try {
      parseCli([...argv]);
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });

  test('`help` and `help COMMAND` are --help; `classroom --help` is help, not a missing subcommand', () => {
    expect(parseCli(['help'])).toMatchObject({ command: 'play', help: true });
    expect(parseCli(['help', 'map'])).toMatchObject({ command: 'map', help: true });
    expect(parseCli(['classroom', '--help'])).toMatchObject({ command: 'classroom', help: true });
    expect(() => parseCli(['classroom'])).toThrow(/classroom needs a command/);
  });

  test('suggests the closest command', () => {
    expect(() => parseCli(['stauts'])).toThrowError(expect.objectContaining({ hint: expect.stringContaining('hero-journey status') }));
  });
});

describe('help', () => {
  test('lists every command and flag from the one table', () => {
    const text = helpText();
    for (const command of commands) expect(text).toContain(command.name);
    for (const option of options) expect(text).toContain(`--${option.name}`);
    expect(text).toMatch(/Exit codes:/);
  });

  test('command help shows only the flags that apply, with examples', () => {
    const text = helpText('map');
    expect(text).toContain('--format');
    expect(text).not.toContain('--dry-run');
    expect(text).toContain('Examples:');
  });
});
