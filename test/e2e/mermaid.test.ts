// `hero-journey map --format mermaid` must render where people read it (GitHub renders Mermaid
// with mermaid.js): parse and render the bundled journey's flowchart with the real mermaid.js
// in headless Chromium (Debian's `chromium`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot, type Sandbox } from './pty.ts';

const CHROMIUM = process.env.HERO_JOURNEY_CHROMIUM ?? '/usr/bin/chromium';
const mermaidScript = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
let sandbox: Sandbox;
let browser: BrowserContext;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), or point HERO_JOURNEY_CHROMIUM at a Chromium`);
  sandbox = await makeSandbox();
  browser = await chromium.launchPersistentContext(path.join(sandbox.root, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1200 },
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.cleanup();
});

async function render(source: string): Promise<{ svg: string; error?: string }> {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: mermaidScript });
  const result = await page.evaluate(async (text) => {
    const mermaid = (globalThis as unknown as { mermaid: { initialize(o: object): void; parse(t: string): Promise<unknown>; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: 200_000, maxEdges: 2000 });
    try {
      await mermaid.parse(text);
      const { svg } = await mermaid.render('journey', text);
      document.getElementById('out')!.innerHTML = svg;
      return { svg };
    } catch (error) {
      return { svg: '', error: String((error as Error).message ?? error) };
    }
  }, source);
  if (!result.error) {
    fs.mkdirSync(path.join(repoRoot, '.vitest-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(repoRoot, '.vitest-artifacts', 'journey-map.png'), fullPage: true });
  }
  return result;
}

test('the bundled journey map parses and renders with mermaid.js', async () => {
  const map = await runBin(['map', '--format', 'mermaid'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(map.exitCode, map.stderr).toBe(0);
  const { svg, error } = await render(map.stdout);
  expect(error).toBeUndefined();
  for (const label of ['Use HTTPS', 'Carvel kbld', 'Liquibase', 'when you chose']) expect(svg.includes(label), label).toBe(true);
  // Edges read as words, never as CEL.
  expect(svg).not.toContain('choices[');
  // 46 chapters read top-down, as a page does: taller than wide, not a strip to scroll sideways.
  const [, , width, height] = (/viewBox="([\d.\s-]+)"/.exec(svg)?.[1] ?? '').trim().split(/\s+/).map(Number);
  expect(height).toBeGreaterThan(width!);
}, 120_000);

test('a map with a path taken (classes on the nodes) renders too', async () => {
  const quest = path.join(repoRoot, 'test', 'fixtures', 'journeys', 'quest');
  await runBin(['--journey', quest, '--yes', '--choose', 'path=forest', '--choose', 'gear=bow'], { cwd: sandbox.workspace, env: sandbox.env });
  const map = await runBin(['map', '--journey', quest, '--format', 'mermaid'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(map.stdout).toMatch(/class [c0-9,]+ done/);
  const { svg, error } = await render(map.stdout);
  expect(error).toBeUndefined();
  expect(svg.includes('The fork in the road')).toBe(true);
}, 120_000);
