// Grading against the local control plane, through the CLI as an instructor runs it: a mirror
// cannot fake a pass (finished without a path, chapters the journey does not have, a variant off
// the attendee's own choice), checks the learner skipped that fail now show as skipped and fail
// --until, the grid, JSON, JUnit and HTML agree with the exit code, and a ~1 MiB mirror of 38,000
// invented history entries is verified like any other (it took minutes per pass, blocking the
// process, before the path was computed in linear time and mirrors were bounded).
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mirrorName, type ProgressMirror } from '../../src/classroom/mirror.ts';
import { getTestCluster } from '../cluster/testenv.ts';
import { uniqueName } from '../integration/helpers.ts';
import { closedPort, makeClass, putConfigMap, workshopJourney, type ClassAttendee } from '../integration/classroom/class.ts';

const cluster = getTestCluster();
const entry = fileURLToPath(new URL('../integration/classroom/fixtures/cli.ts', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hj-sec-grading-'));
const classDir = path.join(tmp, 'class');
const at = new Date().toISOString();
const names = { passing: uniqueName('g-pass'), skipper: uniqueName('g-skip'), faker: uniqueName('g-fake'), variants: uniqueName('g-variant'), big: uniqueName('g-big') };
let attendees: Record<keyof typeof names, ClassAttendee>;

function mirror(extra: Partial<ProgressMirror>): ProgressMirror {
  return { schemaVersion: 1, journeyId: 'workshop', startedAt: at, updatedAt: at, finished: false, choices: {}, steps: {}, checks: {}, history: [], vars: {}, withheld: [], ...extra };
}
const completed = (...chapters: string[]) => chapters.map((chapter) => ({ chapter, at, outcome: 'completed' as const }));

async function putMirror(attendee: ClassAttendee, progress: ProgressMirror | string): Promise<void> {
  await putConfigMap(cluster, attendee.namespace, mirrorName('workshop'), { 'progress.json': typeof progress === 'string' ? progress : JSON.stringify(progress) });
}

function env(): NodeJS.ProcessEnv {
  return { PATH: `${cluster.binDir}${path.delimiter}${process.env.PATH ?? ''}`, HOME: tmp, XDG_CACHE_HOME: path.join(tmp, 'cache'), XDG_STATE_HOME: path.join(tmp, 'state'), XDG_CONFIG_HOME: path.join(tmp, 'config'), KUBECONFIG: path.join(tmp, 'none'), NO_COLOR: '1', LANG: 'C.UTF-8', COLUMNS: '200' };
}

function verify(args: string[], dir = classDir): Promise<{ code: number; stdout: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [entry, 'verify', dir, '--journey', workshopJourney, '--progress-namespace', '@context', '--timeout', '20', '--trust', ...args], { env: env(), cwd: tmp, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, stdout: String(stdout), ms: performance.now() - started });
    });
  });
}

beforeAll(async () => {
  const made = await makeClass(cluster, Object.values(names), { outDir: classDir });
  attendees = Object.fromEntries(Object.keys(names).map((key, i) => [key, made[i]!])) as typeof attendees;
  for (const attendee of made) {
    await putConfigMap(cluster, attendee.namespace, 'setup-done', { ok: 'yes' });
    await putConfigMap(cluster, attendee.namespace, 'built', { mode: 'fast' });
    await putConfigMap(cluster, attendee.namespace, 'hero', { ready: 'yes' });
  }
  // Built the fast way, on deploy now.
  await putMirror(attendees.passing, mirror({ current: 'deploy', choices: { build: { choice: 'fast', at } }, history: [...completed('setup', 'build', 'build/fast'), { chapter: 'deploy', at }] }));
  // Chose slow, skipped its check on purpose; the cluster says fast, so it fails now.
  await putMirror(attendees.skipper, mirror({ current: 'deploy', choices: { build: { choice: 'slow', at } }, checks: { 'build/slow': { status: 'skipped', at } }, history: [...completed('setup', 'build', 'build/slow'), { chapter: 'deploy', at }] }));
  // Claims to have finished, with nothing played.
  await putMirror(attendees.faker, mirror({ finished: true }));
  // Chose fast, claims the slow variant and a chapter the journey does not have, and the end.
  await putMirror(attendees.variants, mirror({ finished: true, choices: { build: { choice: 'fast', at } }, history: completed('setup', 'build', 'build/slow', 'build/turbo', 'deploy', 'the-end') }));
  // About 1 MiB: 38,000 invented history entries.
  const history = Array.from({ length: 38_000 }, (_, i) => (i % 3 === 0 ? { chapter: 'setup', outcome: 'completed' } : { chapter: `x${i % 97}` }));
  const big = JSON.stringify(mirror({ current: 'build', history: history as ProgressMirror['history'] }));
  expect(big.length).toBeGreaterThan(700_000);
  await putMirror(attendees.big, big);
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a mirror cannot fake a pass; every output and the exit code agree', async () => {
  const [json, grid, junit, html] = await Promise.all(['json', 'table', 'junit', 'html'].map((format) => verify(['--format', format])));
  const report = JSON.parse(json!.stdout) as { attendees: Array<{ name: string; status: string; verdict: string; finished: boolean; message?: string; chapters: Array<{ id: string; state: string }>; cells: Record<string, { state: string }> }> };
  const row = (key: keyof typeof names) => report.attendees.find((a) => a.name === names[key])!;

  expect(row('passing')).toMatchObject({ status: 'ok', verdict: 'passing', cells: { setup: { state: 'passed' }, build: { state: 'passed' }, deploy: { state: 'current' } } });
  expect(row('skipper')).toMatchObject({ status: 'ok', verdict: 'skipped', cells: { build: { state: 'skipped' } } });
  expect(row('faker')).toMatchObject({ status: 'ok', verdict: 'passing', finished: false, chapters: [] });
  // The slow variant is off their choice and build/turbo is not in the journey: neither counts. The
  // fast variant they left out of their history is on their path: judged by its check, now.
  expect(row('variants')).toMatchObject({ status: 'ok', verdict: 'passing', finished: true, message: expect.stringContaining('build/turbo') });
  expect(row('variants').chapters.map((c) => [c.id, c.state])).toEqual([['setup', 'passed'], ['build', 'passed'], ['build/fast', 'passed'], ['deploy', 'passed'], ['the-end', 'passed']]);
  expect(row('big')).toMatchObject({ status: 'ok', verdict: 'passing', cells: { setup: { state: 'passed' }, build: { state: 'current' } } });

  // The grid: a skipped check is ↷, never ✔; the summary counts it.
  const gridRow = (key: keyof typeof names) => grid!.stdout.split('\n').find((line) => line.startsWith(`${names[key]} `)) ?? '';
  expect(gridRow('skipper')).toMatch(/✔ +↷ slow +…/);
  expect(gridRow('passing')).toMatch(/✔ +✔ fast +…/);
  expect(grid!.stdout).toMatch(/5 attendees · 0 failing · 1 skipped checks · 1 finished/);
  // JUnit: the skipped check is skipped there too, and nothing fails.
  expect(junit!.stdout).toMatch(/<testsuites [^>]* failures="0" errors="0"/);
  expect(junit!.stdout).toMatch(new RegExp(`<testcase classname="${names.skipper}\\.build/slow"[^>]*><skipped message="checks skipped by the learner, failing now: [^"]*expected &quot;slow&quot;, found &quot;fast&quot;"/>`));
  // HTML: the same cells and verdicts.
  expect(html!.stdout).toMatch(new RegExp(`<tbody id="a-\\d+" class="attendee status-ok verdict-skipped[^"]*" data-name="${names.skipper}">.*data-state="skipped"`, 's'));
  // The exit code: 1, since one attendee's skipped check fails now, whatever the format.
  expect([json!.code, grid!.code, junit!.code, html!.code]).toEqual([1, 1, 1, 1]);
});

test('--until: the faked finish and the skipped check fail it; a real pass passes it', async () => {
  const until = async (chapter: string) => JSON.parse((await verify(['--format', 'json', '--until', chapter])).stdout) as { attendees: Array<{ name: string; passedUntil: boolean }> };
  const passed = (report: Awaited<ReturnType<typeof until>>) => Object.fromEntries(report.attendees.map((a) => [a.name, a.passedUntil]));
  expect(passed(await until('build'))).toEqual({ [names.passing]: true, [names.skipper]: false, [names.faker]: false, [names.variants]: true, [names.big]: false });
  expect(passed(await until('the-end'))).toMatchObject({ [names.passing]: false, [names.faker]: false });
  const pass = await verify(['--until', 'build', '--format', 'json']);
  expect(pass.code).toBe(1);
});

test('a ~1 MiB mirror of 38,000 history entries is verified within the timeout', async () => {
  const only = path.join(tmp, 'only-big');
  fs.mkdirSync(only);
  fs.copyFileSync(attendees.big.kubeconfig, path.join(only, path.basename(attendees.big.kubeconfig)));
  const result = await verify(['--format', 'json'], only);
  const [row] = (JSON.parse(result.stdout) as { attendees: Array<{ status: string; durationMs: number }> }).attendees;
  expect(row).toMatchObject({ status: 'ok' });
  // What the issue asks to measure: the time of a pass (a fresh process) with this mirror.
  console.log(`verify pass with a 38,000-entry mirror: ${Math.round(result.ms)} ms (the attendee: ${row!.durationMs} ms)`);
});

test('the --serve dashboard keeps answering while it verifies the 38,000-entry mirror and a 400 MB reply', async () => {
  const dir = path.join(tmp, 'heavy');
  fs.mkdirSync(dir);
  fs.copyFileSync(attendees.big.kubeconfig, path.join(dir, 'big.kubeconfig'));
  // Beside it, an attendee whose "cluster" answers every request with 400 MB.
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  const huge = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    let left = 400;
    const pump = () => {
      while (left-- > 0) if (!response.write(chunk)) return void response.once('drain', pump);
      response.end();
    };
    response.on('close', () => (left = 0));
    pump();
  });
  await new Promise<void>((resolve) => huge.listen(0, '127.0.0.1', resolve));
  const template = fs.readFileSync(attendees.big.kubeconfig, 'utf8');
  fs.writeFileSync(path.join(dir, 'huge.kubeconfig'), template.replace(/^( +server: ).*$/m, `$1"http://127.0.0.1:${(huge.address() as AddressInfo).port}"\n    insecure-skip-tls-verify: true`).replace(/^( +)certificate-authority-data: .*\n/m, ''));
  const child = spawn(process.execPath, [entry, 'verify', dir, '--journey', workshopJourney, '--progress-namespace', '@context', '--serve', String(await closedPort()), '--timeout', '10'], { env: env(), cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const fetchJson = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = get(url, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (d: string) => (body += d));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      // Generous: a pass that blocked the process took minutes; answering takes milliseconds.
      request.setTimeout(15_000, () => request.destroy(new Error('the dashboard did not answer within 15 s')));
      request.on('error', reject);
    });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard: ${stderr}`)), 30_000);
      child.once('exit', () => reject(new Error(`verify --serve exited: ${stderr}`)));
      child.stderr.on('data', () => {
        const found = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+\/)/.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
    });
    const seen = new Set<string>();
    for (let round = 0; round < 40 && seen.size < 2; round++) {
      const answer = await fetchJson(`${url}report.json`);
      expect(answer.status).toBe(200);
      for (const row of (JSON.parse(answer.body) as { attendees: Array<{ name: string; status: string; message?: string }> }).attendees) {
        if (row.name === 'big' && row.status === 'ok') seen.add('big');
        if (row.name === 'huge' && /larger than 8 MiB/.test(row.message ?? '')) seen.add('huge');
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect([...seen].sort()).toEqual(['big', 'huge']);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    huge.closeAllConnections();
    huge.close();
  }
});
