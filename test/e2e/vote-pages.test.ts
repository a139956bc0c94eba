// The live vote's pages in headless Chromium (Debian's `chromium`, driven by playwright-core):
// several voters in their own browser contexts (their own cookies) vote on a phone-sized page and
// see the counts change without a reload; the projector page follows; a browser without
// JavaScript votes through the plain form. Screenshots are kept in .vitest-artifacts/ (git-ignored).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PollQuestion } from '../../src/vote/poll.ts';
import { startVoteServer, type VoteServer } from '../../src/vote/server.ts';
import { repoRoot } from './pty.ts';

const CHROMIUM = process.env.HERO_JOURNEY_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = path.join(repoRoot, '.vitest-artifacts');

const question: PollQuestion = {
  chapter: 'build',
  title: 'How does Hero get built?',
  summary: "Pick the tool that turns Hero's source into an image.",
  options: [
    { id: 'docker', label: 'A Dockerfile', summary: 'The classic.', disabled: false },
    { id: 'buildpacks', label: 'Cloud Native <Buildpacks>', summary: 'No Dockerfile at all.', disabled: false },
    { id: 'nix', label: 'Nix', disabled: true, because: 'Hero is not packaged with Nix yet.' },
  ],
};

let server: VoteServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), or point HERO_JOURNEY_CHROMIUM at a Chromium`);
  server = await startVoteServer({ port: 0, journey: { id: 'show', title: 'The Live Show' } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

/** A phone: its own browser context (its own cookie, so its own vote). */
async function phone(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, ...options });
  contexts.push(context);
  const page = await context.newPage();
  // Anything the page's own code or the Content-Security-Policy complains about fails the test.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return page;
}

const count = (page: Page, label: string) => page.locator('li.bar', { hasText: label }).locator('.count').textContent();

test('voters on phones vote, change their vote, and see the counts and the result without reloading; the projector page follows', async () => {
  server.open(question, Date.now() + 120_000);
  const [ann, bob, cem] = [await phone(), await phone(), await phone()];
  for (const page of [ann, bob, cem]) await page.goto(server.url);

  expect(await ann.locator('h1').textContent()).toBe('How does Hero get built?');
  expect(await ann.locator('html').getAttribute('lang')).toBe('en');
  // The label is text, never markup; the disabled option cannot be pressed and says why.
  expect(await ann.getByRole('button', { name: /Cloud Native <Buildpacks>/ }).isEnabled()).toBe(true);
  expect(await ann.getByRole('button', { name: 'Nix' }).isDisabled()).toBe(true);
  expect(await ann.locator('.why').textContent()).toBe('Not available: Hero is not packaged with Nix yet.');
  // Before voting, a voter sees no counts.
  expect(await ann.locator('li.bar').count()).toBe(0);

  const screen = await (await phone()).context().newPage();
  await screen.setViewportSize({ width: 1280, height: 720 });
  await screen.goto(server.screenUrl);
  expect(await screen.locator('.qr svg').count()).toBe(1);
  expect(await screen.locator('.url').textContent()).toBe(server.url);

  await ann.getByRole('button', { name: /Cloud Native/ }).click();
  await expect.poll(() => ann.locator('.status').textContent(), { timeout: 20_000 }).toBe('You voted for Cloud Native <Buildpacks>. You can change your vote until it closes.');
  expect(await ann.getByRole('button', { name: /Cloud Native/ }).getAttribute('aria-pressed')).toBe('true');
  await bob.getByRole('button', { name: /A Dockerfile/ }).click();
  await cem.getByRole('button', { name: /Cloud Native/ }).click();
  // Ann's page was not reloaded: the counts arrive through server-sent events.
  await expect.poll(() => count(ann, 'Cloud Native'), { timeout: 20_000 }).toBe('2 votes (67%)');
  await expect.poll(() => count(ann, 'A Dockerfile'), { timeout: 20_000 }).toBe('1 vote (33%)');
  await expect.poll(() => count(screen, 'Cloud Native'), { timeout: 20_000 }).toBe('2 votes (67%)');
  expect(await screen.locator('#left').textContent()).toMatch(/^[12]:\d\d left$/);

  // Voting again changes the vote: counted once, never twice.
  await ann.getByRole('button', { name: /A Dockerfile/ }).click();
  await expect.poll(() => count(bob, 'A Dockerfile'), { timeout: 20_000 }).toBe('2 votes (67%)');
  await expect.poll(() => count(bob, 'Cloud Native'), { timeout: 20_000 }).toBe('1 vote (33%)');
  expect(server.box.tally()).toEqual({ votes: { docker: 2, buildpacks: 1, nix: 0 }, total: 3 });
  fs.mkdirSync(artifacts, { recursive: true });
  await ann.screenshot({ path: path.join(artifacts, 'vote-phone.png'), fullPage: true });
  await screen.screenshot({ path: path.join(artifacts, 'vote-screen.png') });

  server.decide('docker', 'audience');
  for (const page of [ann, bob, cem, screen]) {
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 20_000 }).toBe('The room chose A Dockerfile (2 of 3 votes).');
  }
  expect(await cem.locator('.wait').textContent()).toBe('Waiting for the next vote…');
  expect(await cem.getByRole('button').count()).toBe(0);
  await ann.screenshot({ path: path.join(artifacts, 'vote-phone-closed.png'), fullPage: true });

  // The next poll reaches the same pages; nobody has voted in it yet.
  server.open({ chapter: 'deploy', title: 'How does Hero get deployed?', options: [{ id: 'helm', label: 'A Helm chart', disabled: false }, { id: 'kustomize', label: 'Kustomize', disabled: false }] });
  await expect.poll(() => cem.locator('h1').textContent(), { timeout: 20_000 }).toBe('How does Hero get deployed?');
  expect(await cem.locator('.status').textContent()).toBe('Tap your choice.');
  expect(await cem.getByRole('button', { name: 'Kustomize' }).getAttribute('aria-pressed')).toBeNull();
  server.decide('helm', 'tie-break');
  expect(fs.statSync(path.join(artifacts, 'vote-phone.png')).size).toBeGreaterThan(5000);
  expect(problems).toEqual([]);
});

test('without JavaScript the page is a plain form: a vote posts, the page comes back with the counts', async () => {
  server.open(question);
  const page = await phone({ javaScriptEnabled: false });
  await page.goto(server.url);
  await page.getByRole('button', { name: /Cloud Native/ }).click();
  await page.waitForURL(/\/\?code=/);
  expect(await page.locator('.status').textContent()).toBe('You voted for Cloud Native <Buildpacks>. You can change your vote until it closes.');
  expect(await count(page, 'Cloud Native')).toBe('1 vote (100%)');
  // The disabled option is refused by the server too, with a page that says why and links back.
  const refused = await page.request.post(`${server.base}vote`, { form: { option: 'nix', code: server.code } });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain('cannot be chosen here: Hero is not packaged with Nix yet.');
  await page.getByRole('button', { name: /A Dockerfile/ }).click();
  await page.waitForURL(/\/\?code=/);
  expect(await count(page, 'A Dockerfile')).toBe('1 vote (100%)');
  expect(server.box.tally().total).toBe(1);
  await page.screenshot({ path: path.join(artifacts, 'vote-phone-nojs.png'), fullPage: true });

  // Without the join code there is no vote, only the way to join.
  await page.goto(server.base);
  expect(await page.getByRole('button').allTextContents()).toEqual(['Join']);
  await page.getByLabel('Join code').fill('wrong0');
  await page.getByRole('button', { name: 'Join' }).click();
  expect(await page.locator('[role=alert]').first().textContent()).toContain("That join code is not this room's.");
  server.decide('docker', 'audience');
  // The wrong code's page answers 403, as it should; nothing else went wrong.
  expect(problems.filter((p) => !p.includes('status of 403'))).toEqual([]);
});
