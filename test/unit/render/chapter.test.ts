import { describe, expect, test } from 'vitest';
import {
  foldCodeLine,
  renderCallout,
  renderChapterHeader,
  renderChoices,
  renderPlainCommand,
  renderSkipNotice,
  renderStatusLine,
  renderStepCard,
} from '../../../src/render/chapter.ts';
import { stripAnsi, visibleWidth } from '../../../src/render/text.ts';
import { ascii, hasEscapes, plain, rich } from './helpers.ts';

const BOX_DRAWING = /[╭╮╰╯│─]/;

function rows(block: string): string[] {
  return stripAnsi(block).replace(/^\n+|\n+$/g, '').split('\n');
}

const header = {
  title: 'Use HTTPS',
  episode: '4',
  summary: 'Hero learns to trust and to be trusted: certificates for every visitor, issued and renewed by cert-manager.',
  journeyTitle: "Hero's Journey",
  phase: 'Development',
  position: '4 of 7',
};

describe('renderChapterHeader', () => {
  test('a rounded panel with journey, phase, episode, title, summary and position', () => {
    const out = renderChapterHeader(header, plain);
    // A page break before, one blank line after, like every block.
    expect(out.startsWith('\n╭')).toBe(true);
    expect(out.endsWith('╯\n\n')).toBe(true);
    expect(hasEscapes(out)).toBe(false);
    const lines = rows(out);
    expect(lines[0]).toMatch(/^╭─ Hero's Journey · Development ─+╮$/);
    expect(lines.at(-1)).toMatch(/^╰─+ Chapter 4 of 7 ─╯$/);
    expect(out).toContain('│  Episode 4');
    expect(out).toContain('│  Use HTTPS');
    expect(out).toContain('│  Hero learns to trust');
    for (const line of lines) expect(visibleWidth(line)).toBe(80);
    expect(rows(renderChapterHeader(header, plain))).toMatchSnapshot();
  });

  test('leaves the phase out when the journey title already ends with it', () => {
    const out = rows(renderChapterHeader({ ...header, journeyTitle: "Hero's Journey, Season 1: Development" }, plain));
    expect(out[0]).toMatch(/^╭─ Hero's Journey, Season 1: Development ─+╮$/);
    expect(rows(renderChapterHeader({ ...header, journeyTitle: "Hero's Journey, Season 1" }, plain))[0]).toMatch(/^╭─ Hero's Journey, Season 1 · Development ─+╮$/);
  });

  test('ASCII borders without Unicode, colour codes only with colour', () => {
    const out = renderChapterHeader(header, ascii);
    expect(out).not.toMatch(BOX_DRAWING);
    expect(rows(out)[0]).toMatch(/^\+- Hero's Journey - Development -+\+$/);
    expect(rows(out)[1]).toMatch(/^\| +\|$/);
    const typographic = renderChapterHeader({ ...header, summary: 'Hero’s “first” certificate — at last…' }, ascii);
    expect(typographic).toContain(`Hero's "first" certificate -- at last...`);
    expect(typographic).not.toMatch(/[^\x00-\x7F]/);
    const coloured = renderChapterHeader(header, rich);
    expect(hasEscapes(coloured)).toBe(true);
    expect(stripAnsi(coloured)).toBe(renderChapterHeader(header, plain));
  });

  test('optional parts left out, long titles wrapped, free-form episodes kept', () => {
    const out = renderChapterHeader(
      { title: 'A very long chapter title that cannot possibly fit on one line of a narrow terminal', journeyTitle: 'J', episode: 'Ch. 1, Ep. 4' },
      { ...plain, width: 40 },
    );
    const lines = rows(out);
    expect(lines[0]).toMatch(/^╭─ J ─+╮$/);
    expect(lines.at(-1)).toMatch(/^╰─+╯$/);
    expect(out).toContain('│  Ch. 1, Ep. 4');
    for (const line of lines) expect(visibleWidth(line)).toBe(40);
  });

  test('a border title too long for the border is not cut: the part that does not fit opens the box', () => {
    const lines = rows(renderChapterHeader({ title: 'T', journeyTitle: 'The Quest of Hero', phase: 'From source code to a running app' }, { ...plain, width: 40 }));
    expect(lines[0]).toMatch(/^╭─ The Quest of Hero ─+╮$/);
    expect(lines.join('\n')).toMatch(/│ +From source code to a running app +│/);
    expect(lines.join('\n')).not.toContain('…');
    for (const line of lines) expect(visibleWidth(line)).toBe(40);
  });
});

describe('renderCallout', () => {
  test.each([
    ['info', 'ℹ'],
    ['tip', '✦'],
    ['important', '◆'],
    ['warning', '⚠'],
    ['success', '✔'],
    ['error', '✖'],
  ] as const)('%s has its icon in the title', (kind, icon) => {
    const out = renderCallout(kind, 'Heads up', 'Body text.', plain);
    expect(rows(out)[0]).toMatch(new RegExp(`^╭─ ${icon} Heads up ─+╮$`));
  });

  test('body paragraphs wrapped inside the box, indentation kept', () => {
    const body = `${'word '.repeat(40).trim()}\n\n  indented line\n${'x'.repeat(120)}`;
    const lines = rows(renderCallout('error', 'Step failed', body, plain));
    for (const line of lines) expect(visibleWidth(line)).toBe(80);
    expect(lines).toContain(`│${' '.repeat(78)}│`);
    expect(lines.some((line) => line.startsWith('│   indented line'))).toBe(true);
  });

  test('output from a command cannot break out: foreign escapes removed, none at all without colour', () => {
    const stderr = 'Error: \u001B[31mfailed\u001B[0m\u001B[2J\u0007 to pull';
    const out = renderCallout('error', 'exit 1', stderr, plain);
    expect(hasEscapes(out)).toBe(false);
    expect(out).toContain('Error: failed to pull');
    const coloured = renderCallout('error', 'exit 1', stderr, rich);
    expect(coloured).not.toContain('\u001B[2J');
    expect(coloured).not.toContain('\u0007');
    expect(stripAnsi(coloured)).toBe(out);
  });

  test('ASCII', () => {
    const out = renderCallout('warning', 'Careful', 'Body', ascii);
    expect(out).toBe(`+- ! Careful ${'-'.repeat(66)}+\n| Body${' '.repeat(73)}|\n+${'-'.repeat(78)}+\n\n`);
  });
});

describe('renderStepCard', () => {
  const step = { title: 'Install cert-manager', code: 'helm repo add jetstack https://charts.jetstack.io', lang: 'sh', index: 1, total: 5 };

  test('title line, command inside a panel', () => {
    const out = renderStepCard(step, plain);
    const lines = rows(out);
    expect(lines[0]).toMatch(/^╭─ Step 2 of 5 · Install cert-manager ─+╮$/);
    expect(lines[1]).toMatch(/^│ helm repo add jetstack https:\/\/charts\.jetstack\.io +│$/);
    expect(lines[2]).toMatch(/^╰─+╯$/);
    expect(hasEscapes(out)).toBe(false);
  });

  test('highlighted with colour, same text without it', () => {
    const out = renderStepCard(step, rich);
    expect(hasEscapes(out)).toBe(true);
    expect(stripAnsi(out)).toBe(renderStepCard(step, plain));
  });

  test('no title, optional footer, ASCII', () => {
    const lines = rows(renderStepCard({ code: 'kubectl get pods', lang: 'bash', index: 0, total: 1, optional: true }, ascii));
    expect(lines[0]).toMatch(/^\+- Step 1 of 1 -+\+$/);
    expect(lines.at(-1)).toMatch(/^\+-+ optional -\+$/);
  });

  test('long lines fold inside the box with a continuation mark; the plain command does not', () => {
    const code = 'helm upgrade --install cert-manager jetstack/cert-manager --namespace cert-manager --create-namespace --set crds.enabled=true --wait\nkubectl get pods -n cert-manager';
    const lines = rows(renderStepCard({ code, lang: 'sh', index: 0, total: 1 }, { ...plain, width: 60 }));
    for (const line of lines) expect(visibleWidth(line)).toBe(60);
    expect(lines.filter((line) => line.startsWith('│ ↪ ')).length).toBeGreaterThan(0);
    expect(lines.some((line) => line.startsWith('│ kubectl get pods'))).toBe(true);
    // Every word of the command is on the card.
    const shown = lines.slice(1, -1).map((line) => line.slice(2, -1).replace(/^↪ /, '')).join(' ');
    expect(shown.split(/\s+/).filter(Boolean)).toEqual(code.split(/\s+/));
  });

  test('an unbreakable word longer than the box is split rather than sticking out', () => {
    const lines = rows(renderStepCard({ code: `echo ${'a'.repeat(100)}`, lang: 'sh', index: 0, total: 1 }, plain));
    for (const line of lines) expect(visibleWidth(line)).toBe(80);
  });

  test('renderPlainCommand returns exactly the code: nothing to strip before pasting', () => {
    const code = 'cat <<EOF | kubectl apply -f -\napiVersion: v1\n\tkind: Namespace\nEOF\n';
    expect(renderPlainCommand(code)).toBe(code);
  });
});

describe('one-line notices', () => {
  test('renderSkipNotice: icon, what and why, dim with colour', () => {
    expect(renderSkipNotice('step 2 of 5 (Install cert-manager)', 'it applies only when DOMAIN', plain)).toBe(
      '↷ Skipped step 2 of 5 (Install cert-manager): it applies only when DOMAIN\n',
    );
    const coloured = renderSkipNotice('chapter "Use HTTPS"', 'you chose nip.io', rich);
    expect(coloured).toContain('\u001B[2m');
    expect(stripAnsi(coloured)).toBe('↷ Skipped chapter "Use HTTPS": you chose nip.io\n');
    expect(renderSkipNotice('x', 'y', ascii)).toBe('>> Skipped x: y\n');
  });

  test('long notices wrap with a hanging indent', () => {
    const out = renderSkipNotice('step 1 of 1', 'because '.repeat(20).trim(), { ...plain, width: 40 });
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line.startsWith('  ')).toBe(true);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(40);
  });

  test('renderStatusLine kinds', () => {
    expect(renderStatusLine('done', 'Remembered DOMAIN', plain)).toBe('✔ Remembered DOMAIN\n');
    expect(renderStatusLine('failed', 'Check failed', ascii)).toBe('x Check failed\n');
  });
});

describe('renderChoices', () => {
  test('numbered options with summaries; disabled ones dimmed with their reason', () => {
    const out = renderChoices(
      'Use HTTPS: what is your choice?',
      [
        { label: 'cert-manager', summary: 'Certificates from Let’s Encrypt, renewed automatically.', chosen: true },
        { label: 'Manual certificates', disabled: 'needs a real domain; you chose nip.io' },
      ],
      plain,
    );
    expect(out).toBe(
      [
        'Use HTTPS: what is your choice?',
        ' 1) cert-manager ✔',
        '    Certificates from Let’s Encrypt, renewed automatically.',
        ' 2) Manual certificates (unavailable: needs a real domain; you chose nip.io)',
        '',
        '',
      ].join('\n'),
    );
    const coloured = renderChoices('Pick', [{ label: 'a' }, { label: 'b', disabled: 'no' }], rich);
    expect(coloured).toContain('\u001B[2m');
  });
});

describe('foldCodeLine', () => {
  const fold = (line: string, width: number) => foldCodeLine(line, line, width, 2);
  test('a flag stays with its value, and no row is a lone closing token', () => {
    const rows = fold('kubectl get deployment hero --namespace dev --output jsonpath -o wide; { echo done; }', 40);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(40);
    expect(rows.some((row) => /(^|\s)-o$/.test(row.trim()))).toBe(false);
    expect(rows.at(-1)!.trim().length).toBeGreaterThan(6);
  });

  test('continuations keep the line\'s indentation, and still fit after the mark', () => {
    const rows = fold('    echo "pack is too old: this chapter needs 0.35 or newer, which can build for your CPU"', 40);
    expect(rows[0]).toMatch(/^ {4}echo/);
    for (const row of rows.slice(1)) {
      expect(row).toMatch(/^ {4}\S/);
      expect(row.length + 2).toBeLessThanOrEqual(40);
    }
  });

  test('colours survive the cut', () => {
    const styled = `\u001B[32mecho\u001B[39m ${'word '.repeat(12).trim()}`;
    const plainLine = stripAnsi(styled);
    const rows = foldCodeLine(plainLine, styled, 30, 2);
    expect(rows.map((row) => stripAnsi(row)).join(' ')).toBe(plainLine);
    expect(rows[0]).toContain('\u001B[32mecho');
  });
});
