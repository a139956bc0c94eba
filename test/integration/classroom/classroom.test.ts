// Classroom mode against the local control plane: play mirrors progress into the attendee's
// namespace (never secrets), a second machine resumes from it, and `hero-journey verify` reads
// attendees concurrently, re-runs their checks read-only, and shows unreachable, hanging, 401,
// 403 and refused kubeconfigs as such within the timeout.
import { spawn, execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginPlaySync } from '../../../src/classroom/play-sync.ts';
import { loadJourney } from '../../../src/journey/load.ts';
import { plainTerminal } from '../../../src/render/terminal.ts';
import { newProgress } from '../../../src/state/progress.ts';
import type { Asker } from '../../../src/prompts.ts';
import { getTestCluster } from '../../cluster/testenv.ts';
import { eventually, uniqueName } from '../helpers.ts';
import { adminKubectl, closedPort, kubeconfigFor, makeClass, putConfigMap, selfContained, silentServer, workshopJourney, type ClassAttendee } from './class.ts';

const cluster = getTestCluster();
const entry = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hj-classroom-'));
const mirror = 'hero-journey-progress-workshop';
let alice: ClassAttendee;
let bob: ClassAttendee;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of someone at their own machine: a fresh HOME, the cluster's tools, one kubeconfig. */
function personEnv(name: string, kubeconfig: string, config = ''): NodeJS.ProcessEnv {
  const home = path.join(tmp, `home-${name}`);
  fs.mkdirSync(path.join(home, '.config', 'hero-journey'), { recursive: true });
  if (config) fs.writeFileSync(path.join(home, '.config', 'hero-journey', 'config.yaml'), config);
  return {
    PATH: `${cluster.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    KUBECONFIG: kubeconfig,
    HERO_JOURNEY_TRUST_CHECKS: '1',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
  };
}

/** Run the CLI from source; never throws on a non-zero exit. */
function cli(args: string[], env: NodeJS.ProcessEnv, cwd = tmp): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [entry, ...args], { env, cwd, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Play the workshop to the end as an attendee, mirroring into their own namespace. */
async function play(attendee: ClassAttendee, choice: 'fast' | 'slow'): Promise<CliResult> {
  const workspace = path.join(tmp, `ws-${attendee.name}`);
  fs.mkdirSync(workspace, { recursive: true });
  const env = personEnv(attendee.name, attendee.kubeconfig, `syncNamespace: ${attendee.namespace}\nattendee: ${attendee.name.toUpperCase()}\n`);
  return cli(['--journey', workshopJourney, '--yes', '--choose', `build=${choice}`, '--set', 'API_TOKEN=tok-Zq8fXw2LmP4rT9vB1nK7'], env, workspace);
}

async function readMirror(namespace: string, namespaceOverride = mirror): Promise<Record<string, unknown>> {
  const json = await adminKubectl(cluster, ['get', 'configmap', namespaceOverride, '-n', namespace, '-o', 'json']);
  return JSON.parse(JSON.parse(json).data['progress.json'] as string) as Record<string, unknown>;
}

function verify(args: string[], env: NodeJS.ProcessEnv = personEnv('instructor', path.join(tmp, 'none'))): Promise<CliResult> {
  return cli(['verify', '--journey', workshopJourney, '--progress-namespace', '@context', ...args], env);
}

interface JsonReport {
  attendees: Array<{ name: string; status: string; message?: string; durationMs: number; firstFailure?: { chapter: string; reason: string }; chapters: Array<{ id: string; state: string }>; passedUntil?: boolean; displayName?: string }>;
}

const byName = (report: JsonReport, name: string) => report.attendees.find((a) => a.name === name)!;

beforeAll(async () => {
  const prefix = uniqueName('cls');
  const made = await makeClass(cluster, [`${prefix}-alice`, `${prefix}-bob`], { outDir: path.join(tmp, 'class') });
  alice = made[0]!;
  bob = made[1]!;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('progress travels with the cluster', () => {
  it('play mirrors progress into a ConfigMap, without secret inputs or values that look like credentials', async () => {
    const result = await play(alice, 'fast');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The end of this journey');
    expect(result.stdout).not.toContain('not mirrored');
    const data = await readMirror(alice.namespace);
    expect(data).toMatchObject({
      schemaVersion: 1,
      journeyId: 'workshop',
      attendee: alice.name.toUpperCase(),
      finished: true,
      choices: { build: { choice: 'fast' } },
      steps: { 'setup#step-1': { status: 'done' }, 'build/fast#step-1': { status: 'done' }, 'deploy#step-1': { status: 'done' } },
      checks: { setup: { status: 'passed' }, 'build/fast': { status: 'passed' }, deploy: { status: 'passed' } },
      vars: { REGION: 'moon-1' },
      withheld: ['API_TOKEN', 'DEPLOY_KEY'],
    });
    expect((data.history as Array<{ chapter: string }>).map((h) => h.chapter)).toEqual(['setup', 'build', 'build/fast', 'deploy', 'the-end']);
    const raw = await adminKubectl(cluster, ['get', 'configmap', mirror, '-n', alice.namespace, '-o', 'yaml']);
    expect(raw).not.toContain('tok-Zq8fXw2LmP4rT9vB1nK7');
    expect(raw).not.toContain('Zq8fXw2LmP4rT9vB1nK7sD3hJ6');
    expect(raw).not.toContain(tmp);
  });

  it('--no-sync keeps progress on the machine', async () => {
    const namespace = alice.namespace;
    const env = personEnv('nosync', alice.kubeconfig, `syncNamespace: ${namespace}\n`);
    const workspace = path.join(tmp, 'ws-nosync');
    fs.mkdirSync(workspace);
    const other = path.join(tmp, 'other-journey');
    fs.cpSync(workshopJourney, other, { recursive: true });
    fs.writeFileSync(path.join(other, 'journey.yaml'), fs.readFileSync(path.join(other, 'journey.yaml'), 'utf8').replace('id: workshop', 'id: workshop-nosync'));
    const result = await cli(['--journey', other, '--yes', '--no-sync', '--choose', 'build=fast'], env, workspace);
    expect(result.code).toBe(0);
    const listed = await adminKubectl(cluster, ['get', 'configmaps', '-n', namespace, '-o', 'name']);
    expect(listed).not.toContain('hero-journey-progress-workshop-nosync');
  });

  it('a second machine with the same cluster resumes from the mirror; secret inputs are asked again', async () => {
    const journey = await loadJourney(workshopJourney);
    const progress = newProgress('workshop', path.join(tmp, 'second-machine'));
    const asked: string[] = [];
    const asker: Asker = {
      interactive: true,
      select: async () => {
        throw new Error('no select expected');
      },
      text: async (message, options) => {
        asked.push(`${message}${options.secret ? ' (secret)' : ''}`);
        return 'typed-again';
      },
      confirm: async (message) => {
        asked.push(message);
        return true;
      },
    };
    const written: string[] = [];
    let saved = 0;
    const env = personEnv('second', alice.kubeconfig, `syncNamespace: ${alice.namespace}\n`);
    // Alice's mirror was written on this machine: it is offered because her workspace is named.
    const sync = await beginPlaySync({
      journey,
      progress,
      fresh: true,
      enabled: true,
      env,
      asker,
      terminal: plainTerminal(100),
      write: (t) => written.push(t),
      save: async () => void saved++,
      progressFile: path.join(tmp, 'second-machine.json'),
      continueFrom: path.join(tmp, `ws-${alice.name}`),
    });
    await sync.close(false);
    expect(written.join('')).toContain('From another workspace of this machine: you finished the journey.');
    expect(written.join('')).toContain('REGION = moon-1');
    expect(asked[0]).toBe('Continue from there? (No starts this workspace from the beginning)');
    expect(asked[1]).toBe('Your API token (kept on this machine only) (secret inputs stay on the machine they were typed on) (secret)');
    expect(progress).toMatchObject({ finished: true, choices: { build: { choice: 'fast' } }, vars: { REGION: { value: 'moon-1' }, API_TOKEN: { value: 'typed-again', secret: true } } });
    expect(progress.vars.DEPLOY_KEY).toBeUndefined();
    expect(saved).toBe(1);
    expect(written.join('').replace(/\s+/g, ' ')).toContain('Continuing from your progress in the cluster (you finished the journey). Not kept in the cluster because they look like credentials: DEPLOY_KEY;');
  });
});

describe('hero-journey verify', () => {
  beforeAll(async () => {
    const result = await play(bob, 'slow');
    expect(result.code).toBe(0);
    // Bob's build went wrong after he moved on: his checks no longer pass.
    await putConfigMap(cluster, bob.namespace, 'built', { mode: 'fast' });
  });

  it('reads two attendees: one passing, one failing with the reason', async () => {
    const result = await verify([alice.kubeconfig, bob.kubeconfig, '--format', 'json']);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as JsonReport;
    const a = byName(report, alice.name);
    const b = byName(report, bob.name);
    expect(a).toMatchObject({ status: 'ok', displayName: alice.name.toUpperCase() });
    expect(a.firstFailure).toBeUndefined();
    expect(a.chapters.map((c) => [c.id, c.state])).toEqual([['setup', 'passed'], ['build', 'passed'], ['build/fast', 'passed'], ['deploy', 'passed'], ['the-end', 'passed']]);
    expect(b.status).toBe('ok');
    expect(b.firstFailure).toEqual({ chapter: 'build/slow', check: 'The build ConfigMap says slow', reason: `ConfigMap ${bob.namespace}/built: data.mode: expected "slow", found "fast"` });
    expect(result.code).toBe(1);
  });

  it('shows a grid, and --until says whether everyone got that far', async () => {
    const grid = await verify([alice.kubeconfig, bob.kubeconfig]);
    const lines = grid.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('attendee'))).toMatch(/^attendee +setup +build +deploy +the-end$/);
    expect(lines.find((l) => l.startsWith(`${alice.name.toUpperCase()} (`))).toMatch(/✔ +✔ fast +✔ +✔$/);
    const bobRow = lines.findIndex((l) => l.startsWith(`${bob.name.toUpperCase()} (`));
    expect(lines[bobRow]).toMatch(/✔ +✖ slow +✔ +✔$/);
    expect(lines[bobRow + 1]).toContain('↳ build/slow · The build ConfigMap says slow: ConfigMap');
    expect((await verify([alice.kubeconfig, bob.kubeconfig, '--until', 'setup'])).code).toBe(0);
    expect((await verify([alice.kubeconfig, bob.kubeconfig, '--until', 'build'])).code).toBe(1);
    expect((await verify([alice.kubeconfig, '--until', 'the-end'])).code).toBe(0);
  });

  it('unreachable and hanging clusters show as such within the timeout and never delay the others', async () => {
    const silent = await silentServer();
    try {
      const folder = path.join(tmp, 'faulty');
      fs.mkdirSync(folder);
      for (let i = 0; i < 3; i++) kubeconfigFor(`https://127.0.0.1:${await closedPort()}`, alice.kubeconfig, path.join(folder, `gone-${i}.yaml`), `gone-${i}`);
      for (let i = 0; i < 3; i++) kubeconfigFor(`https://127.0.0.1:${silent.port}`, alice.kubeconfig, path.join(folder, `hang-${i}.yaml`), `hang-${i}`);
      const result = await verify([alice.kubeconfig, folder, bob.kubeconfig, '--timeout', '2', '--format', 'json']);
      const report = JSON.parse(result.stdout) as JsonReport;
      expect(report.attendees.map((a) => [a.name, a.status])).toEqual([
        [alice.name, 'ok'],
        ['gone-0', 'unreachable'],
        ['gone-1', 'unreachable'],
        ['gone-2', 'unreachable'],
        ['hang-0', 'timeout'],
        ['hang-1', 'timeout'],
        ['hang-2', 'timeout'],
        [bob.name, 'ok'],
      ]);
      expect(byName(report, 'gone-0').message).toMatch(/does not answer: connection refused/);
      expect(byName(report, 'hang-0').message).toBe('no answer within 2 s');
      // Everyone at once: the three hanging clusters were waited for together, not one timeout after another.
      expect(silent.mostAtOnce()).toBe(3);
      expect(byName(report, bob.name).firstFailure?.chapter).toBe('build/slow');
    } finally {
      await silent.close();
    }
  });

  it('a user the cluster does not know (401) and one without rights (403) show as such', async () => {
    const nobody = path.join(tmp, 'nobody.yaml');
    fs.writeFileSync(nobody, selfContained(fs.readFileSync(cluster.mintUser(uniqueName('nobody'), []), 'utf8')));
    const stranger = path.join(tmp, 'stranger.yaml');
    fs.writeFileSync(stranger, selfContained(fs.readFileSync(nobody, 'utf8').replace(/client-certificate(?:-data)?: .*\n\s*client-key(?:-data)?: .*\n/, 'token: not-a-valid-token\n')));
    const result = await verify([`forbidden=${nobody}`, `stranger=${stranger}`, '--format', 'json']);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(byName(report, 'forbidden')).toMatchObject({ status: 'forbidden' });
    expect(byName(report, 'forbidden').message).toMatch(/you may not get configmaps .*forbidden/i);
    expect(byName(report, 'stranger')).toMatchObject({ status: 'unauthorized' });
    expect(byName(report, 'stranger').message).toContain('401 Unauthorized');
    expect(result.stdout).not.toContain('not-a-valid-token');
    const grid = await verify([`forbidden=${nobody}`, `stranger=${stranger}`]);
    expect(grid.stdout).toMatch(/\nforbidden +403 forbidden: you may not get configmaps/);
    expect(grid.stdout).toMatch(/\nstranger +401 unauthorized: the cluster at https:\/\/127\.0\.0\.1:\d+ does not\n/);
  });

  it('never runs a program named by an attendee kubeconfig unless --allow-exec', async () => {
    const marker = path.join(tmp, 'exec-ran');
    const plugin = path.join(tmp, 'plugin.sh');
    fs.writeFileSync(plugin, `#!/bin/sh\ntouch ${marker}\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x"}}'\n`, { mode: 0o755 });
    const evil = path.join(tmp, 'evil.yaml');
    fs.writeFileSync(evil, fs.readFileSync(alice.kubeconfig, 'utf8').replace(/client-certificate(?:-data)?: .*\n\s*client-key(?:-data)?: .*\n/, `exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\n`));
    const result = await verify([evil, alice.kubeconfig, '--format', 'json']);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(byName(report, 'evil')).toMatchObject({ status: 'refused' });
    expect(byName(report, 'evil').message).toMatch(/evil\.yaml, user ".*" runs plugin\.sh to get credentials \(exec plugin\).*--allow-exec/);
    expect(byName(report, alice.name).status).toBe('ok');
    expect(fs.existsSync(marker)).toBe(false);
    await verify([evil, '--allow-exec', '--format', 'json']);
    expect(fs.existsSync(marker)).toBe(true);
  });

  it('--watch picks up a cluster that comes back', async () => {
    const port = await closedPort();
    const back = kubeconfigFor(`https://127.0.0.1:${port}`, alice.kubeconfig, path.join(tmp, 'comeback.yaml'), alice.name);
    const child = spawn(process.execPath, [entry, 'verify', '--journey', workshopJourney, '--progress-namespace', '@context', '--watch', '--timeout', '2', back], { env: personEnv('watcher', path.join(tmp, 'none')), cwd: tmp });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    let proxy: net.Server | undefined;
    try {
      await eventually('the attendee shown as unreachable', async () => /comeback +unreachable/.test(out), 20_000);
      // The cluster comes back on the same address (a proxy to the API server).
      const api = new URL(cluster.server);
      proxy = net.createServer((socket) => {
        const upstream = net.connect(Number(api.port), api.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve) => proxy!.listen(port, '127.0.0.1', resolve));
      await eventually('the attendee shown with their progress', async () => /\(comeback\) +✔ +✔ fast +✔ +✔/.test(out), 20_000);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.on('close', resolve));
      proxy?.close();
    }
  });
});

describe('least privilege', () => {
  it('classroom rbac grants what verify needs and nothing that writes', async () => {
    const env = personEnv('rbac', path.join(tmp, 'none'));
    const rbac = await cli(['classroom', 'rbac', '--journey', workshopJourney, '--trust'], env);
    expect(rbac.code).toBe(0);
    expect(rbac.stdout).toContain('kind: ClusterRole');
    expect(rbac.stdout).toContain('verbs: ["get", "list", "watch"]');
    expect(rbac.stdout).not.toMatch(/create|update|patch|delete/);
    expect(rbac.stderr).toContain('kubectl create token hero-journey-instructor -n hero-journey');
    await adminKubectl(cluster, ['apply', '-f', '-'], rbac.stdout);
    // The attendee plays with the default mirror namespace.
    const carol = (await makeClass(cluster, [uniqueName('cls-carol')], { outDir: path.join(tmp, 'class') }))[0]!;
    await adminKubectl(cluster, ['create', 'rolebinding', 'carol-mirror', '-n', 'hero-journey', '--clusterrole=classroom-attendee', `--user=${carol.name}`]).catch(() => '');
    const workspace = path.join(tmp, 'ws-carol');
    fs.mkdirSync(workspace);
    const played = await cli(['--journey', workshopJourney, '--yes', '--choose', 'build=fast'], personEnv('carol', carol.kubeconfig), workspace);
    expect(played.code).toBe(0);
    await eventually('the mirror in hero-journey', async () => (await readMirror('hero-journey')).finished === true);
    // The instructor's kubeconfig: the ServiceAccount's token, pointed at carol's namespace.
    const token = (await adminKubectl(cluster, ['create', 'token', 'hero-journey-instructor', '-n', 'hero-journey', '--duration=10m'])).trim();
    const instructor = path.join(tmp, 'carol-for-instructor.yaml');
    fs.writeFileSync(instructor, fs.readFileSync(carol.kubeconfig, 'utf8').replace(/client-certificate(?:-data)?: .*\n\s*client-key(?:-data)?: .*\n/, `token: ${token}\n`));
    const can = (verb: string) => adminKubectl(cluster, ['auth', 'can-i', verb, 'configmaps', '-n', carol.namespace, '--as=system:serviceaccount:hero-journey:hero-journey-instructor']).then((s) => s.trim(), () => 'no');
    expect(await can('list')).toBe('yes');
    expect(await can('create')).toBe('no');
    expect(await can('delete')).toBe('no');
    const result = await cli(['verify', '--journey', workshopJourney, instructor, '--format', 'json'], env);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.attendees[0]).toMatchObject({ status: 'ok' });
    expect(report.attendees[0]!.chapters.every((c) => c.state === 'passed')).toBe(true);
    expect(result.stdout).not.toContain(token);
  });
});
