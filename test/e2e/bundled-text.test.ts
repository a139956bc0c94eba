// The build bundles wrap-ansi and boxen with hero-journey's own text width and a grapheme segmenter
// made on first use, or none for text whose characters are graphemes of their own (scripts/bundle-libs.ts); what they draw must be exactly what the packages draw.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import realBoxen from 'boxen';
import { expect, test } from 'vitest';
import realWrapAnsi from 'wrap-ansi';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot } from './pty.ts';

const { wrapAnsi, boxen } = (await import(pathToFileURL(join(repoRoot, 'dist', 'render', 'text-libs.js')).href)) as typeof import('../../src/render/text-libs.ts');

/** Words of every kind a chapter or a cluster's answer may bring: wide, combining, emoji, styled, linked. */
const words = ['Hero', 'namespace', '日本語の', 'e\u0301te\u0301', '👍🏻', '🇩🇪', 'ﾊﾞ', '한국어', '\u1100\u1161', '“quoted”', '—', '→', '✔', 'https://example.com/a/very/long/path/that/does/not/fit', '\u001b[1mbold\u001b[22m', '\u001b[31mred 日本\u001b[39m', '\u001b]8;;https://x\u0007link\u001b]8;;\u0007', '\tTab', 'x'.repeat(30), 'CR\r\nLF', '╭─ ℹ ─╮', '\u001b[2m│ ✔\u001b[22m'];

test('wrap-ansi and boxen as bundled draw what the packages draw', () => {
  let state = 7;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const texts = Array.from({ length: 400 }, () => Array.from({ length: 2 + Math.floor(next() * 12) }, () => words[Math.floor(next() * words.length)]).join(next() < 0.2 ? '\n' : ' '));
  const differ: string[] = [];
  for (const text of texts) {
    for (const width of [6, 13, 40]) {
      for (const hard of [false, true]) {
        const options = { hard, trim: true, wordWrap: true };
        if (wrapAnsi(text, width, options) !== realWrapAnsi(text, width, options)) differ.push(`wrap ${width} ${hard}: ${JSON.stringify(text)}`);
      }
      const box = { width: width + 4, padding: { left: 1, right: 1, top: 0, bottom: 0 }, margin: 0 };
      if (boxen(text, box) !== realBoxen(text, box)) differ.push(`box ${width}: ${JSON.stringify(text)}`);
    }
  }
  expect(differ).toEqual([]);
});

test("a callout's border and text of characters that are graphemes of their own build no grapheme segmenter", async () => {
  // A copy of its own, whose segmenters no other test has built yet.
  const { wrapAnsi, boxen } = (await import(`${pathToFileURL(join(repoRoot, 'dist', 'render', 'text-libs.js')).href}?fresh`)) as typeof import('../../src/render/text-libs.ts');
  const made: unknown[] = [];
  const intl = Intl as { Segmenter: typeof Intl.Segmenter };
  const Real = intl.Segmenter;
  intl.Segmenter = class extends Real {
    constructor(...args: ConstructorParameters<typeof Real>) {
      super(...args);
      made.push(args);
    }
  };
  try {
    const box = boxen('✔ Hero’s namespace — “dev” → 日本', { title: 'ℹ Before the first step', borderStyle: 'round', width: 30, padding: { left: 1, right: 1, top: 0, bottom: 0 } });
    expect(box).toBe(realBoxen('✔ Hero’s namespace — “dev” → 日本', { title: 'ℹ Before the first step', borderStyle: 'round', width: 30, padding: { left: 1, right: 1, top: 0, bottom: 0 } }));
    expect(wrapAnsi('✔ Hero’s \u001b[1mnamespace\u001b[22m — “dev” → 日本', 8, { hard: true })).toBe(realWrapAnsi('✔ Hero’s \u001b[1mnamespace\u001b[22m — “dev” → 日本', 8, { hard: true }));
    expect(made).toEqual([]);
    // Text that joins characters into one grapheme still gets the segmenter.
    expect(wrapAnsi('café\u0301 👍🏻', 3, { hard: true })).toBe(realWrapAnsi('café\u0301 👍🏻', 3, { hard: true }));
    expect(made.length).toBeGreaterThan(0);
  } finally {
    intl.Segmenter = Real;
  }
});

test('the built highlighter loads the bundled highlight.js at the first code that needs it, and colours it as from source', async () => {
  // A chapter with a YAML block, shown by the built CLI in colour: its highlighter is bundled with the renderer.
  const sandbox = await makeSandbox();
  try {
    const journey = join(sandbox.root, 'journey');
    mkdirSync(journey);
    writeFileSync(join(journey, 'journey.yaml'), 'id: yaml\ntitle: YAML\nstart: start\n');
    const yaml = 'apiVersion: v1\nkind: Namespace # Hero\nmetadata:\n  name: dev\n';
    writeFileSync(join(journey, 'start.md'), `---\ntitle: Start\n---\n\n\`\`\`yaml\n${yaml}\`\`\`\n`);
    const shown = await runBin(['show', '--journey', journey, '--no-pager'], { cwd: sandbox.workspace, env: { ...sandbox.env, FORCE_COLOR: '3' } });
    expect(shown).toMatchObject({ exitCode: 0, stderr: '' });
    const source = await import('../../src/render/highlight.ts');
    const { themeFor } = await import('../../src/render/theme.ts');
    const highlighted = source.highlightCode(yaml.trimEnd(), 'yaml', themeFor({ color: true, unicode: true }));
    expect(highlighted).toMatch(/\u001b\[3\dm/);
    for (const line of highlighted.split('\n')) expect(shown.stdout).toContain(line);
  } finally {
    sandbox.cleanup();
  }
});
