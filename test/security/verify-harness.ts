// What the verify attack tests share: a class folder of attendee kubeconfigs pointing at servers
// the test runs (an attendee's "cluster" is whatever answers at their server URL), and
// `hero-journey verify` run in-process over them with HOME and XDG folders in a temp folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseCli } from '../../src/cli/parse.ts';
import { run } from '../../src/commands/verify.ts';
import { workshopJourney } from '../integration/classroom/class.ts';

export interface VerifyHarness {
  /** The temp folder (HOME, and where `classDir` lives). */
  dir: string;
  classDir: string;
  /** Write one attendee's kubeconfig into the class folder (`NAME.yaml`, context NAME, user `u`). */
  attendee(name: string, server: string, user?: Record<string, unknown>, cluster?: Record<string, unknown>): void;
  /** `hero-journey verify ARGS --journey <workshop fixture>`: exit code and everything printed. */
  verify(args: string[]): Promise<{ code: number; out: string }>;
}

export function verifyHarness(prefix: string): VerifyHarness {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const classDir = join(dir, 'class');
  mkdirSync(classDir, { recursive: true });
  return {
    dir,
    classDir,
    attendee(name, server, user = {}, cluster = {}) {
      writeFileSync(
        join(classDir, `${name}.yaml`),
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': name,
          clusters: [{ name: 'c', cluster: { server, ...(server.startsWith('http:') ? { 'insecure-skip-tls-verify': true } : {}), ...cluster } }],
          users: [{ name: 'u', user }],
          contexts: [{ name, context: { cluster: 'c', user: 'u' } }],
        }),
      );
    },
    async verify(args) {
      const out = new PassThrough();
      let text = '';
      out.setEncoding('utf8').on('data', (d: string) => (text += d));
      const env = { HOME: dir, PATH: process.env.PATH ?? '', XDG_CACHE_HOME: join(dir, 'cache'), XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config') };
      const code = await run(parseCli(['verify', ...args, '--journey', workshopJourney]), { cwd: dir, env, stdin: new PassThrough(), stdout: out, stderr: out });
      return { code, out: text };
    },
  };
}

/** The rows of `verify --format json`. */
export function jsonRows(json: string): Array<{ name: string; status: string; message?: string }> {
  return (JSON.parse(json) as { attendees: Array<{ name: string; status: string; message?: string }> }).attendees;
}
