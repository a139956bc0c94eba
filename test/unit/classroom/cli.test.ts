import { describe, expect, test } from 'vitest';
import { helpText } from '../../../src/cli/help.ts';
import { parseCli } from '../../../src/cli/parse.ts';

describe('verify and classroom on the command line', () => {
  test.each([
    [['verify'], { command: 'verify', args: [], contexts: [], concurrency: undefined, timeoutSeconds: undefined, watch: false, serve: undefined, allowExec: false }],
    [['verify', 'a.yaml', 'class/', 'bob=b.yaml'], { args: ['a.yaml', 'class/', 'bob=b.yaml'] }],
    [['verify', '--context', 'attendee-*', '--context', 'admin'], { contexts: ['attendee-*', 'admin'], context: 'admin' }],
    [['verify', '--concurrency', '32', '--timeout', '2.5'], { concurrency: 32, timeoutSeconds: 2.5 }],
    [['verify', '--watch', '--until', 'https'], { watch: true, until: 'https' }],
    [['verify', '--serve'], { serve: 0, args: [] }],
    [['verify', '--serve', '9000', 'class/'], { serve: 9000, args: ['class/'] }],
    [['verify', '--serve', 'class/'], { serve: 0, args: ['class/'] }],
    [['verify', 'class/', '--serve', '--watch'], { serve: 0, watch: true, args: ['class/'] }],
    [['verify', '--format', 'junit'], { format: 'junit', json: false }],
    [['verify', '--format', 'json'], { json: true }],
    [['verify', '--allow-exec', '--progress-namespace', '@context', '--trust'], { allowExec: true, progressNamespace: '@context', trust: true }],
    [['classroom', 'rbac'], { command: 'classroom', args: ['rbac'] }],
    [['--no-sync'], { command: 'play', sync: false }],
    [['play'], { sync: true }],
    [['play', '--context', 'kind-hero'], { context: 'kind-hero', contexts: ['kind-hero'] }],
  ] as const)('%j', (argv, expected) => {
    expect(parseCli([...argv])).toMatchObject(expected);
  });

  test.each([
    [['verify', '--concurrency', '0'], /--concurrency expects a whole number from 1 to 1000, got "0"/],
    [['verify', '--concurrency', '2.5'], /--concurrency expects a whole number/],
    [['verify', '--timeout', 'soon'], /--timeout expects a number from 0.1 to 3600/],
    [['verify', '--serve', '70000'], /--serve expects a whole number from 1 to 65535/],
    [['verify', '--format', 'tree'], /unknown --format "tree" for verify/],
    [['map', '--format', 'junit'], /unknown --format "junit"/],
    [['play', '--watch'], /--watch does not apply to "hero-journey play"/],
    [['verify', '--no-sync'], /--sync does not apply to "hero-journey verify"/],
    [['classroom'], /hero-journey classroom needs a command/],
    [['classroom', 'party'], /unknown classroom command "party"/],
  ] as const)('rejects %j', (argv, message) => {
    expect(() => parseCli([...argv])).toThrow(message);
  });

  test('help lists the commands and their flags from the one table', () => {
    expect(helpText()).toMatch(/ {2}verify +instructor: verify every attendee/);
    expect(helpText()).toMatch(/ {2}classroom +instructor: print the read-only RBAC/);
    const verify = helpText('verify');
    for (const flag of ['--concurrency N', '--timeout SECONDS', '--watch', '--serve [PORT]', '--until CHAPTER', '--allow-exec', '--format FORMAT', '--context NAME']) {
      expect(verify).toContain(flag);
    }
    expect(helpText('play')).toContain('--sync');
    expect(helpText('play')).not.toContain('--allow-exec');
  });
});
