// Attendee kubeconfigs are untrusted: one must never make `verify` read one of the instructor's
// files (and send it as a token or certificate), whatever spelling, relative path or symlink it
// uses, and no report ever shows bytes read from a local file. The attendees' "cluster" here is
// the attacker's own HTTP server, which records what it is sent.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientKubeconfig, resolveKubeconfig } from '../../src/kube/kubeconfig.ts';
import { jsonRows as rows, verifyHarness } from './verify-harness.ts';

const { dir, classDir, ...harness } = verifyHarness('hj-sec-kubeconfig-');
/** The instructor's own file: its bytes must never reach a server or a report. */
const secret = join(dir, 'instructor', 'secret.txt');
const SECRET_LINES = ['instructor-line-one-4f1c9a', 'instructor-line-two-77b2e0'];
let server: Server;
let port = 0;
const received: string[] = [];

/** One attendee's kubeconfig in the class folder: a cluster at the recording server, the given user and cluster fields. */
const attendee = (name: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}) => harness.attendee(name, `http://127.0.0.1:${port}`, user, cluster);
const verify = (args: string[]) => harness.verify([...args, '--timeout', '5']);

beforeAll(async () => {
  mkdirSync(join(dir, 'instructor'));
  writeFileSync(secret, `${SECRET_LINES.join('\n')}\n`);
  server = createServer((request, response) => {
    received.push(String(request.headers.authorization ?? ''));
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  writeFileSync(join(classDir, 'inside.token'), 'attendee-token-inside\n');
  symlinkSync(secret, join(classDir, 'innocent.token'));
  // Every field that names a file, in every spelling kubectl or the Kubernetes client reads.
  attendee('both-spellings', { tokenFile: './inside.token', 'token-file': secret });
  attendee('token-file', { 'token-file': secret });
  attendee('tokenfile-camel', { tokenFile: secret });
  attendee('tokenfile-relative', { tokenFile: '../instructor/secret.txt' });
  attendee('tokenfile-symlink', { tokenFile: './innocent.token' });
  attendee('client-certificate', { 'client-certificate': secret, 'client-key-data': 'eA==' });
  attendee('client-key', { 'client-certificate-data': 'eA==', 'client-key': secret });
  attendee('certificate-authority', { token: 'abcdefgh' }, { 'certificate-authority': secret });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('a kubeconfig that names a file outside its folder is refused', () => {
  test('in every spelling and every field, through relative paths and symlinks; nothing is sent', async () => {
    const { code, out } = await verify([classDir, '--format', 'json']);
    expect(code).toBe(1);
    const byName = new Map(rows(out).map((r) => [r.name, r]));
    for (const name of ['both-spellings', 'token-file', 'tokenfile-camel', 'tokenfile-relative', 'tokenfile-symlink', 'client-certificate', 'client-key', 'certificate-authority']) {
      const row = byName.get(name);
      expect(row?.status, name).toBe('refused');
      expect(row?.message, name).toMatch(/outside the kubeconfig's folder .*--allow-exec/);
    }
    expect(byName.get('both-spellings')?.message).toContain(`token-file: ${secret}`);
    expect(received.join('\n')).not.toContain('instructor-line');
    expect(out).not.toContain('instructor-line');
  });

  test('a connection judges the files again when it reads them (a link swapped in after the class was listed)', async () => {
    const resolved = await resolveKubeconfig({ kubeconfig: join(classDir, 'tokenfile-symlink.yaml'), env: {}, cwd: dir });
    await expect(clientKubeconfig(resolved, classDir)).rejects.toThrow(/refused: user "u" names a token file outside the kubeconfig's folder/);
    // Without a folder to stay in (your own kubeconfig), the file is read like kubectl reads it.
    await expect(clientKubeconfig(resolved)).rejects.toThrow(/does not hold a token/);
    // A file larger than any credential is not read at all.
    writeFileSync(join(dir, 'instructor', 'huge.token'), Buffer.alloc(2 * 1024 * 1024, 'a'));
    attendee('huge-token', { tokenFile: join(dir, 'instructor', 'huge.token') });
    const huge = await resolveKubeconfig({ kubeconfig: join(classDir, 'huge-token.yaml'), env: {}, cwd: dir });
    await expect(clientKubeconfig(huge)).rejects.toThrow(/huge\.token of user "u" is larger than 1024 KiB: not a credential/);
  });
});

describe('files inside the folder are used, and never shown', () => {
  test('a token file beside the kubeconfig is sent; one that is not a token is an error that shows none of its bytes', async () => {
    rmSync(classDir, { recursive: true, force: true });
    mkdirSync(classDir);
    writeFileSync(join(classDir, 'good.token'), 'attendee-token-good\n');
    writeFileSync(join(classDir, 'multi.token'), `${SECRET_LINES.join('\n')}\n`);
    execFileSync('mkfifo', [join(classDir, 'fifo.token')]);
    attendee('good', { tokenFile: 'good.token' });
    attendee('multi-line', { 'token-file': './multi.token' });
    attendee('fifo', { tokenFile: './fifo.token' });
    const before = received.length;
    for (const format of ['json', 'table', 'junit', 'html']) {
      const { out } = await verify([classDir, '--format', format]);
      for (const line of SECRET_LINES) expect(out, format).not.toContain(line);
      if (format === 'json') {
        const byName = new Map(rows(out).map((r) => [r.name, r]));
        expect(byName.get('multi-line')).toMatchObject({ status: 'config', message: expect.stringMatching(/token file .* of user "u" does not hold a token/) });
        expect(byName.get('fifo')).toMatchObject({ status: 'config', message: expect.stringMatching(/token file .* of user "u" is not a regular file/) });
      }
    }
    const sent = received.slice(before);
    expect(sent).toContain('Bearer attendee-token-good');
    expect(sent.join('\n')).not.toContain('instructor-line');
  });

  test('--allow-exec is consent: the file outside is used', async () => {
    rmSync(classDir, { recursive: true, force: true });
    mkdirSync(classDir);
    writeFileSync(join(dir, 'instructor', 'shared.token'), 'shared-class-token\n');
    attendee('consented', { tokenFile: join(dir, 'instructor', 'shared.token') });
    const before = received.length;
    const { out } = await verify([classDir, '--format', 'json', '--allow-exec']);
    expect(rows(out)[0]!.status).not.toBe('refused');
    expect(received.slice(before)).toContain('Bearer shared-class-token');
  });
});
