import { describe, expect, it } from 'vitest';
import { createExec, refuseWrite, RefusedCommandError, subcommandWords } from '../../../src/checks/exec.ts';

describe('refuseWrite', () => {
  it.each([
    ['kubectl', ['get', 'pods', '-n', 'dev']],
    ['kubectl', ['-n', 'dev', 'get', 'deploy', 'hero', '-o', 'json']],
    ['kubectl', ['--context', 'kind-hero', 'describe', 'certificate', 'hero']],
    ['kubectl', ['logs', 'deploy/hero']],
    ['kubectl', ['auth', 'can-i', 'create', 'pods']],
    ['kubectl', ['config', 'current-context']],
    ['/usr/local/bin/kubectl', ['version', '--client']],
    ['helm', ['list', '-A']],
    ['helm', ['status', 'cert-manager', '-n', 'cert-manager']],
    ['helm', ['repo', 'list']],
    ['docker', ['image', 'inspect', 'hero:0.1.0']],
    ['curl', ['-s', 'https://example.com']],
  ])('lets %s %j run', (file, args) => {
    expect(refuseWrite(file, args)).toBeUndefined();
  });

  it.each([
    ['kubectl', ['apply', '-f', 'x.yaml']],
    ['kubectl', ['-n', 'dev', 'delete', 'pod', 'x']],
    ['kubectl', ['patch', 'deploy', 'hero', '-p', '{}']],
    ['kubectl', ['scale', 'deploy/hero', '--replicas=0']],
    ['kubectl', ['config', 'use-context', 'prod']],
    ['kubectl', ['auth', 'reconcile', '-f', 'x']],
    ['kubectl', ['exec', 'pod', '--', 'rm', '-rf', '/']],
    ['helm', ['install', 'x', 'y']],
    ['helm', ['uninstall', 'cert-manager']],
    ['helm', ['repo', 'add', 'x', 'https://example.com']],
  ])('refuses %s %j', (file, args) => {
    expect(refuseWrite(file, args)).toMatch(/^checks only read/);
  });

  it('finds subcommands after flags with values', () => {
    expect(subcommandWords(['-n', 'dev', '--context=x', 'get', 'pods', '-o', 'json'])).toEqual(['get', 'pods']);
  });
});

describe('createExec', () => {
  const exec = createExec({ PATH: process.env.PATH, GREETING: 'hello' }, process.cwd(), new AbortController().signal);

  it('runs a program with the given environment and never throws on a non-zero exit', async () => {
    const ok = await exec(process.execPath, ['-e', 'process.stdout.write(process.env.GREETING)']);
    expect(ok).toEqual({ exitCode: 0, stdout: 'hello', stderr: '', timedOut: false });
    const failing = await exec(process.execPath, ['-e', 'process.stderr.write("nope"); process.exit(3)']);
    expect(failing).toMatchObject({ exitCode: 3, stderr: 'nope' });
  });

  it('says when the program does not exist', async () => {
    expect(await exec('hero-journey-no-such-program')).toMatchObject({ exitCode: 127 });
  });

  it('refuses writing kubectl commands before starting anything', async () => {
    await expect(exec('kubectl', ['delete', 'namespace', 'dev'])).rejects.toBeInstanceOf(RefusedCommandError);
  });
});
