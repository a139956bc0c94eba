// The live dashboard of `hero-journey verify --serve`, in headless Chromium (Debian's `chromium`,
// driven by playwright-core), against a real local control plane: the page shows the right cells,
// and updates by itself after the test changes an attendee's cluster. A screenshot is kept in
// .vitest-artifacts/ (git-ignored).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mirrorConfigMap, mirrorOf } from '../../src/classroom/mirror.ts';
import { newProgress, type HistoryEntry } from '../../src/state/progress.ts';
import { isRunning, manualClusterDir, readState, startCluster, stopCluster, type ClusterState } from '../cluster/cluster.ts';
import { closedPort, kubeconfigFor, makeClass, putConfigMap, workshopJourney, type ClassAttendee } from '../integration/classroom/class.ts';
import { binPath, repoRoot } from './pty.ts';

const CHROMIUM = process.env.HERO_JOURNEY_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = path.join(repoRoot, '.vitest-artifacts');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hj-dashboard-'));
let cluster: ClusterState;
let ownCluster = false;
let serve: ChildProcess | undefined;
let browser: BrowserContext | undefined;
let page: Page;
let bob: ClassAttendee;
let carol: ClassAttendee;
let url = '';
let stderr = '';

/** Write an attendee's mirrored progress: chapters in `path`, the last one in progress unless `finished`. */
async function progressOf(attendee: ClassAttendee, path: string[], choice: 'fast' | 'slow', finished = false): Promise<void> {
  const progress = newProgress('workshop', '/elsewhere');
  const at = new Date().toISOString();
  progress.history = path.map((chapter, i): HistoryEntry => ({ chapter, at, ...(i < path.length - 1 || finished ? { outcome: 'completed' as const } : {}) }));
  progress.current = finished ? undefined : path.at(-1);
  progress.finished = finished;
  progress.choices = path.includes('build') ? { build: { choice, at } } : {};
  progress.updatedAt = at;
  const configMap = mirrorConfigMap(mirrorOf(progress, { attendee: attendee.name.replace(/^dash-\w+-/, '').toUpperCase() }), attendee.namespace);
  await putConfigMap(cluster, attendee.namespace, configMap.metadata.name, configMap.data);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), or point HERO_JOURNEY_CHROMIUM at a Chromium`);
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'cli', 'index.js'))) throw new Error('dist/ is missing: run npm run build first (npm test does)');
  const manual = process.env.HERO_JOURNEY_TEST_CLUSTER === 'manual' ? readState(manualClusterDir()) : undefined;
  if (manual && isRunning(manual)) cluster = manual;
  else {
    cluster = await startCluster({ log: () => {} });
    ownCluster = true;
  }
  const prefix = `dash-${Math.random().toString(16).slice(2, 8)}`;
  const [alice, b, c] = await makeClass(cluster, [`${prefix}-alice`, `${prefix}-bob`, `${prefix}-carol`], { outDir: path.join(tmp, 'class') });
  bob = b!;
  carol = c!;
  for (const attendee of [alice!, bob, carol]) {
    await putConfigMap(cluster, attendee.namespace, 'setup-done', { ok: 'yes' });
    await putConfigMap(cluster, attendee.namespace, 'hero', { ready: 'yes' });
  }
  await putConfigMap(cluster, alice!.namespace, 'built', { mode: 'fast' });
  await putConfigMap(cluster, bob.namespace, 'built', { mode: 'fast' });
  await progressOf(alice!, ['setup', 'build', 'build/fast', 'deploy', 'the-end'], 'fast', true);
  // Bob chose the slow build, but his cluster says fast: his build chapter fails now.
  await progressOf(bob, ['setup', 'build', 'build/slow', 'deploy'], 'slow');
  await progressOf(carol, ['setup'], 'fast');
  kubeconfigFor(`https://127.0.0.1:${await closedPort()}`, alice!.kubeconfig, path.join(tmp, 'class', 'zed.kubeconfig'), 'zed');

  const port = await closedPort();
  serve = spawn(process.execPath, [binPath, 'verify', path.join(tmp, 'class'), '--journey', workshopJourney, '--progress-namespace', '@context', '--serve', String(port), '--timeout', '3'], {
    env: { PATH: `${cluster.binDir}:${process.env.PATH ?? ''}`, HOME: tmp, XDG_STATE_HOME: path.join(tmp, 'state'), XDG_CONFIG_HOME: path.join(tmp, 'config'), HERO_JOURNEY_TRUST_CHECKS: '1', LANG: 'C.UTF-8' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  serve.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dashboard did not start: ${stderr}`)), 20_000);
    serve!.stderr!.on('data', () => {
      const found = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/)/.exec(stderr);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    serve!.on('exit', (code) => reject(new Error(`verify --serve exited ${code}: ${stderr}`)));
  });

  browser = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 720 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (serve && serve.exitCode === null) {
    serve.kill('SIGINT');
    await new Promise((resolve) => serve!.once('exit', resolve));
  }
  if (ownCluster) await stopCluster(cluster);
  fs.rmSync(tmp, { recursive: true, force: true });
}, 60_000);

const row = (name: string) => page.locator(`tbody[data-name="${name}"]`);

test('the dashboard answers only at the address with its token', async () => {
  const origin = new URL(url).origin;
  for (const wrong of [`${origin}/`, `${origin}/report.json`, `${origin}/events`]) {
    const answer = await page.request.get(wrong);
    expect(answer.status(), wrong).toBe(403);
    expect(await answer.text()).not.toContain('attendee');
  }
  expect((await page.request.get(`${url}report.json`)).status()).toBe(200);
});

test('the dashboard shows each attendee on their own path, and updates when a cluster changes', async () => {
  await page.goto(url);
  await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toMatch(/^live · \d\d:\d\d:\d\d$/);
  // Every attendee checked: no row still "checking".
  await expect.poll(() => page.locator('tbody.status-pending').count(), { timeout: 20_000 }).toBe(0);

  /** Each cell of a row as "state variant" ("passed fast"; "" for a column not on their path). */
  const states = async (name: string) => {
    const cells = await row(name).locator('td.cell').all();
    return Promise.all(
      cells.map(async (cell) => {
        const variant = (await cell.locator('span').count()) > 0 ? await cell.locator('span').textContent() : '';
        return [(await cell.getAttribute('data-state')) ?? '', variant].filter(Boolean).join(' ');
      }),
    );
  };
  expect(await page.locator('thead th').allTextContents()).toEqual(expect.arrayContaining(['attendee', 'done']));
  const aliceName = bob.name.replace('bob', 'alice');
  expect(await states(aliceName)).toEqual(['passed', 'passed fast', 'passed', 'passed']);
  expect(await states(bob.name)).toEqual(['passed', 'failed slow', 'current', '']);
  expect(await states(carol.name)).toEqual(['current', '', '', '']);
  expect(await row(bob.name).locator('tr.why').textContent()).toContain(`↳ build/slow · The build ConfigMap says slow: ConfigMap ${bob.namespace}/built: data.mode: expected "slow", found "fast"`);
  expect(await row('zed').locator('td.message').textContent()).toMatch(/^unreachable: .*connection refused/);
  expect(await row(aliceName).locator('.star').count()).toBe(1);
  expect(await page.locator('#summary').textContent()).toMatch(/4 attendees · 1 stuck · 1 finished · 1 not reachable/);
  expect(await page.locator('thead th').nth(3).textContent()).toBe('build1 done · 1 failing');

  // Bob fixes his build, Carol moves on: the page follows without a reload.
  await putConfigMap(cluster, bob.namespace, 'built', { mode: 'slow' });
  await progressOf(carol, ['setup', 'build', 'build/fast'], 'fast');
  await expect.poll(() => states(bob.name), { timeout: 20_000 }).toEqual(['passed', 'passed slow', 'current', '']);
  await expect.poll(() => states(carol.name), { timeout: 20_000 }).toEqual(['passed', 'current fast', '', '']);
  expect(await row(bob.name).locator('tr.why').count()).toBe(0);
  expect(await page.locator('#summary').textContent()).toMatch(/4 attendees · 0 stuck/);

  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  expect(fs.statSync(path.join(artifacts, 'dashboard.png')).size).toBeGreaterThan(5000);
  expect(stderr).not.toMatch(/hit a bug|Error/);
});
