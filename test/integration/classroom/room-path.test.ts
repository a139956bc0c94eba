// verify --path against the local control plane: the instructor grades the class against the
// room's path, read from the presenter's vote (a real vote server on loopback) or from the path
// file the presenter's play writes. An attendee who left the room's path fails at that choice point.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorConfigMap, mirrorOf } from '../../../src/classroom/mirror.ts';
import { newProgress } from '../../../src/state/progress.ts';
import { startVoteServer, type VoteServer } from '../../../src/vote/server.ts';
import { getTestCluster } from '../../cluster/testenv.ts';
import { uniqueName } from '../helpers.ts';
import { makeClass, putConfigMap, type ClassAttendee } from './class.ts';

const cluster = getTestCluster();
const entry = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
const show = fileURLToPath(new URL('../../fixtures/journeys/show', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hj-room-path-'));
let room: VoteServer;
let ann: ClassAttendee;
let bob: ClassAttendee;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: `${cluster.binDir}${path.delimiter}${process.env.PATH ?? ''}`, HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_STATE_HOME: path.join(tmp, 'state'), XDG_CACHE_HOME: path.join(tmp, 'cache'), NO_COLOR: '1', LANG: 'C.UTF-8' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [entry, ...args], { env, cwd: tmp, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Mirror an attendee's progress on the show journey: the chapters played, the choices made. */
async function mirrorPath(attendee: ClassAttendee, chapters: string[], choices: Record<string, string>, finished: boolean): Promise<void> {
  const progress = newProgress('show', '/elsewhere');
  const at = new Date().toISOString();
  progress.history = chapters.map((chapter, i) => ({ chapter, at, ...(i < chapters.length - 1 || finished ? { outcome: 'completed' as const } : {}) }));
  progress.current = finished ? undefined : chapters.at(-1);
  progress.finished = finished;
  progress.choices = Object.fromEntries(Object.entries(choices).map(([id, choice]) => [id, { choice, at }]));
  const configMap = mirrorConfigMap(mirrorOf(progress), attendee.namespace);
  await putConfigMap(cluster, attendee.namespace, configMap.metadata.name, configMap.data);
}

beforeAll(async () => {
  const prefix = uniqueName('room');
  [ann, bob] = (await makeClass(cluster, [`${prefix}-ann`, `${prefix}-bob`], { outDir: path.join(tmp, 'class') })) as [ClassAttendee, ClassAttendee];
  await mirrorPath(ann, ['intro', 'build', 'build/buildpacks', 'deploy', 'deploy/kustomize'], { build: 'buildpacks', deploy: 'kustomize' }, true);
  await mirrorPath(bob, ['intro', 'build', 'build/docker', 'deploy'], { build: 'docker' }, false);
  // The room: buildpacks won the first vote; the second went to a dead end, then kustomize.
  room = await startVoteServer({ port: 0, journey: { id: 'show', title: 'The Live Show' } });
  const option = (id: string) => ({ id, label: id, disabled: false });
  room.open({ chapter: 'build', title: 'How does Hero get built?', options: ['docker', 'buildpacks'].map(option) });
  room.decide('buildpacks', 'audience');
  room.open({ chapter: 'deploy', title: 'How does Hero get deployed?', options: ['helm', 'kustomize', 'ftp'].map(option) });
  room.decide('ftp', 'presenter');
  room.open({ chapter: 'deploy', title: 'How does Hero get deployed?', options: ['helm', 'kustomize', 'ftp'].map(option) });
  room.decide('kustomize', 'audience');
  fs.writeFileSync(path.join(tmp, 'room.json'), JSON.stringify(room.path()));
}, 120_000);

afterAll(async () => {
  await room?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("verify --path: the room's path", () => {
  it.each([
    ['the presenter\'s address', () => room.url],
    ['the path file', () => path.join(tmp, 'room.json')],
  ])('from %s: an attendee who chose otherwise fails at that choice point, one on the path passes', async (_, spec) => {
    const result = await cli(['verify', path.join(tmp, 'class'), '--journey', show, '--progress-namespace', '@context', '--path', spec(), '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { attendees: Array<{ name: string; status: string; firstFailure?: { chapter: string; check: string; reason: string } }> };
    const row = (name: string) => report.attendees.find((a) => a.name === name)!;
    expect(row(ann.name)).toMatchObject({ status: 'ok' });
    expect(row(ann.name).firstFailure).toBeUndefined();
    expect(row(bob.name).firstFailure).toEqual({ chapter: 'build', check: "The room's path", reason: 'took "A Dockerfile", the room chose "Cloud Native Buildpacks"' });

    const grid = await cli(['verify', path.join(tmp, 'class'), '--journey', show, '--progress-namespace', '@context', '--path', spec()]);
    expect(grid.stdout.replace(/\s+/g, ' ')).toContain('↳ build · The room\'s path: took "A Dockerfile", the room chose "Cloud Native Buildpacks"');
  });

  it('without --path the same class passes; a path from another journey or an unreadable one is a usage error', async () => {
    const plain = await cli(['verify', path.join(tmp, 'class'), '--journey', show, '--progress-namespace', '@context', '--format', 'json']);
    expect(plain.code).toBe(0);
    fs.writeFileSync(path.join(tmp, 'other.json'), JSON.stringify({ journey: 'hero', decisions: [] }));
    const other = await cli(['verify', path.join(tmp, 'class'), '--journey', show, '--progress-namespace', '@context', '--path', path.join(tmp, 'other.json')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('that room played journey "hero", not "show"');
    const missing = await cli(['verify', path.join(tmp, 'class'), '--journey', show, '--path', path.join(tmp, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--path .*nope\.json: cannot read .*ENOENT/);
    expect(missing.stderr).not.toMatch(/hit a bug/);
  });
});
