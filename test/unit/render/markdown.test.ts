import { describe, expect, test } from 'vitest';
import { renderMarkdown as renderBlock, type MarkdownOptions } from '../../../src/render/markdown.ts';
import type { TerminalOptions } from '../../../src/render/terminal.ts';
import { stripAnsi, visibleWidth } from '../../../src/render/text.ts';
import { ascii, colourNoLinks, fixture, hasEscapes, OSC8, overlongLines, plain, rich } from './helpers.ts';

const seed = fixture('seed-use-https.md');

/** The rendered text without the blank line every block ends with. */
function renderMarkdown(markdown: string, opts: TerminalOptions, options?: MarkdownOptions): string {
  const out = renderBlock(markdown, opts, options);
  if (out) expect(out.endsWith('\n\n')).toBe(true);
  return out.replace(/\n\n$/, '');
}
const sink = fixture('kitchen-sink.md').replace(/^---\n[\s\S]*?\n---\n/, '');

const VIDEOS = [
  ['Use HTTPS - Feat. cert-manager (You Choose!, Ch. 1, Ep. 4)', 'https://youtu.be/sSbe6qedElE'],
  ['What Is HTTPS? How Does It Work? Automate With cert-manager And', 'https://youtu.be/D7ijCjE31GA'],
  ['De-stress Certificates with cert-manager!', 'https://via.vmw.com/cert-manager'],
] as const;

/** Properties every rendering of the seed chapter must have, whatever the options. */
function expectDesignedPage(out: string, opts: TerminalOptions): void {
  const text = stripAnsi(out);
  expect(text).not.toMatch(/^\s*#/m); // no heading markers
  expect(text).not.toMatch(/<\/?br\s*\/?>/i); // no raw HTML
  expect(text).not.toContain('![');
  expect(text).not.toMatch(/\]\(/); // no raw link syntax
  expect(text).not.toMatch(/\n[ \t]*\n[ \t]*\n/); // no runs of blank lines
  expect(text).toContain('Use HTTPS');
  expect(text).toContain('What is HTTPS?');
  expect(overlongLines(out, opts.width)).toEqual([]);
}

describe('the seed chapter', () => {
  test('without colour: a designed page, no escape codes at all', () => {
    const out = renderMarkdown(seed, plain);
    expectDesignedPage(out, plain);
    expect(hasEscapes(out)).toBe(false);
    // Video links are shown as videos, with their address.
    const videoLines = out.split('\n').filter((line) => line.startsWith('▶ Video: '));
    expect(videoLines).toHaveLength(3);
    for (const [title, url] of VIDEOS) {
      expect(out.replace(/\s+/g, ' ')).toContain(`▶ Video: ${title}`);
      expect(out).toContain(`(${url})`);
    }
    expect(out).toContain('• Official site (https://cert-manager.io/)');
    // Links to other chapters are plain text: their paths mean nothing in a terminal.
    expect(out).toContain('jumping directly to Setup PostgreSQL DB.');
    expect(out).not.toContain('README.md');
    // Inline code keeps its backticks when there is no colour to set it apart.
    expect(out).toContain('`Issuer`');
    // Double spaces after full stops are one space, as on GitHub.
    expect(out).toContain('in Kubernetes. Once');
  });

  test('without colour, stripped snapshot', () => {
    expect(renderMarkdown(seed, plain)).toMatchSnapshot();
  });

  test('with colour: styled, and the same page once the styles are stripped', () => {
    const out = renderMarkdown(seed, colourNoLinks);
    expect(hasEscapes(out)).toBe(true);
    expect(OSC8.test(out)).toBe(false);
    expectDesignedPage(out, colourNoLinks);
    // Colour replaces backticks and underlines; the words are the same.
    const words = (text: string) =>
      text
        .split('\n')
        .filter((line) => !/^─+$/.test(line))
        .join(' ')
        .replaceAll('`', '')
        .split(/\s+/);
    expect(words(stripAnsi(out))).toEqual(words(renderMarkdown(seed, plain)));
    expect(stripAnsi(renderMarkdown(seed, colourNoLinks))).toMatchSnapshot();
  });

  test('with hyperlinks: OSC 8 links whose text is the title, URLs out of the text', () => {
    const out = renderMarkdown(seed, rich);
    expectDesignedPage(out, rich);
    expect(OSC8.test(out)).toBe(true);
    for (const [, url] of VIDEOS) expect(out).toContain(`\u001B]8;;${url}\u0007`);
    const text = stripAnsi(out);
    expect(text).toContain('▶ Video: Use HTTPS - Feat. cert-manager (You Choose!, Ch. 1, Ep. 4)');
    expect(text).not.toContain('(https://youtu.be/');
    expect(text).toContain('• Official site');
  });

  test.each([40, 60, 100])('fits %i columns', (width) => {
    for (const opts of [plain, rich]) {
      const out = renderMarkdown(seed, { ...opts, width });
      expect(overlongLines(out, width)).toEqual([]);
      // Headings' rules span the width exactly.
      expect(stripAnsi(out)).toContain('─'.repeat(width));
    }
  });

  test('ASCII only when Unicode is off: boxes, bullets, markers and punctuation', () => {
    const out = renderMarkdown(seed, ascii);
    expect(out).not.toMatch(/[^\x00-\x7F]/);
    expect(out).toContain("Hero is feeling...insecure");
    expect(out).toContain('> Video: Use HTTPS');
    expect(out).toContain('* Official site (https://cert-manager.io/)');
    expectDesignedPage(out, ascii);
  });

  test('an omitted title is left out, other headings stay', () => {
    const out = renderMarkdown(seed, plain, { omitTitle: 'use https' });
    expect(out.startsWith('If you chose')).toBe(true);
    expect(out).toContain('Choice 1: cert-manager');
  });
});

describe('Markdown features', () => {
  const out = renderMarkdown(sink, plain);

  test('headings: h1 with a heavy rule, h2 with a rule, h3 underlined without colour', () => {
    expect(out).toMatch(/^Install cert-manager\n━{80}$/m);
    expect(out).toMatch(/^What you will do\n─{80}$/m);
    expect(out).toMatch(/^The install\n─{11}$/m);
    const coloured = renderMarkdown('### The install', colourNoLinks);
    expect(stripAnsi(coloured)).toBe('The install');
  });

  test('links: text (url), a bare url once, relative links as text', () => {
    expect(out).toContain('cert-manager site (https://cert-manager.io/docs/)');
    expect(out).toContain('at https://cert-manager.io.');
    expect(out).toContain('and https://kubernetes.io.');
    expect(out).not.toContain('(https://kubernetes.io)');
    expect(out).toContain('See also the setup chapter and');
    expect(renderMarkdown('Write to <hero@example.com>.', plain)).toBe('Write to hero@example.com.');
  });

  test('images and videos are markers, never syntax', () => {
    expect(out).toContain('🖼 Hero with a padlock');
    expect(out).toContain('🖼 Diagram of the certificate flow');
    expect(out).toContain('▶ Video: Use HTTPS - Feat. cert-manager (https://youtu.be/sSbe6qedElE)');
    expect(out).not.toMatch(/<img|<p|!\[/);
    const asciiOut = renderMarkdown(sink, ascii);
    expect(asciiOut).toContain('[image: Hero with a padlock]');
    expect(asciiOut).toContain('> Video: Use HTTPS');
  });

  test('images link to their picture when links are clickable', () => {
    const linked = renderMarkdown('![A chart](https://example.com/chart.png)', rich);
    expect(linked).toContain('\u001B]8;;https://example.com/chart.png\u0007');
    expect(stripAnsi(linked)).toBe('🖼 A chart');
  });

  test('GitHub alerts become titled panels, quotes untitled ones', () => {
    for (const title of ['ℹ Note', '✦ Tip', '◆ Important', '⚠ Warning', '✖ Caution']) {
      expect(out).toContain(`╭─ ${title} ─`);
    }
    expect(out).not.toContain('[!NOTE]');
    expect(out).toMatch(/│ cert-manager needs a few minutes to become ready after the install\. Be +│/);
    expect(out).toMatch(/╭─{78}╮\n│ A plain quote: certificates are promises/);
    for (const line of out.split('\n').filter((l) => /^[╭│╰]/.test(l))) expect(visibleWidth(line)).toBe(80);
  });

  test('lists: numbers, nested bullets, task boxes', () => {
    expect(out).toContain(
      [
        '1. Add the Jetstack Helm repository',
        '2. Install the chart with its CRDs',
        '   ◦ the controller',
        '   ◦ the webhook',
        '   ◦ the cainjector',
        '3. Create an issuer',
      ].join('\n'),
    );
    expect(out).toContain('☑ cluster running\n☐ issuer created');
    expect(renderMarkdown('7. seven\n8. eight', plain)).toBe('7. seven\n8. eight');
    expect(renderMarkdown('- [x] done', ascii)).toBe('[x] done');
  });

  test('long list items wrap with a hanging indent', () => {
    const item = `- ${'word '.repeat(30).trim()}`;
    const lines = renderMarkdown(item, { ...plain, width: 40 }).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]?.startsWith('• word')).toBe(true);
    for (const line of lines.slice(1)) expect(line.startsWith('  word')).toBe(true);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(40);
  });

  test('inline Markdown inside tight list items is rendered, not printed raw', () => {
    const out = renderMarkdown('- **bold** and `code` and [a link](https://example.com)', plain);
    expect(out).toBe('• bold and `code` and a link (https://example.com)');
  });

  test('tables: aligned cells inside a box that fits the width', () => {
    expect(out).toMatch(/│ Resource +│ +Kind +│ What it holds +│/);
    expect(out).toMatch(/│ `hero-tls` +│ +Secret +│ `tls.crt` and `tls.key` +│/);
    for (const width of [40, 80]) {
      const table = renderMarkdown(sink, { ...plain, width }).split('\n').filter((l) => /^[╭│├╰]/.test(l) && l.includes('┬') || /^│ `?letsencrypt/.test(l));
      for (const line of table) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
    }
    expect(renderMarkdown(sink, ascii)).toMatch(/\+-+\+-+\+-+\+\n\| Resource/);
    // Squeezed tables wrap their cells; no word is cut off.
    const squeezed = renderMarkdown(sink, { ...plain, width: 50 });
    expect(squeezed).not.toContain('…');
    const cellWords = squeezed
      .split('\n')
      .filter((l) => l.startsWith('│') && l.includes(' │ '))
      .flatMap((l) => l.split('│').map((c) => c.trim()))
      .join(' ');
    for (const word of ['solver', 'configuration', 'ClusterIssuer', '`letsencrypt`']) expect(cellWords).toContain(word);
  });

  test('fenced code: indented, highlighted only with colour', () => {
    expect(out).toContain('    apiVersion: cert-manager.io/v1\n    kind: ClusterIssuer');
    const coloured = renderMarkdown(sink, colourNoLinks);
    const line = coloured.split('\n').find((l) => stripAnsi(l).includes('apiVersion:'));
    expect(line && hasEscapes(line)).toBe(true);
    expect(stripAnsi(line ?? '')).toBe('    apiVersion: cert-manager.io/v1');
    // Steps rendered as plain code blocks keep their text exactly.
    expect(out).toContain('    helm repo add jetstack https://charts.jetstack.io --force-update');
  });

  test('raw HTML: line breaks, details summaries, entities', () => {
    expect(out).toContain('Line one\nline two\nline three & more → done.');
    expect(out).toContain('▸ Why a ClusterIssuer and not an Issuer?');
    expect(out).not.toMatch(/<\/?(details|summary|p)\b/);
    expect(renderMarkdown('<!-- a comment -->\n\nText', plain)).toBe('Text');
    expect(renderMarkdown('Press <kbd>Ctrl</kbd>+<kbd>C</kbd>', plain)).toBe('Press Ctrl+C');
    expect(renderMarkdown('See <a href="https://example.com">the site</a>.', plain)).toBe(
      'See the site (https://example.com).',
    );
    expect(renderMarkdown('See <a href="https://example.com">the site</a>.', rich)).toContain(
      '\u001B]8;;https://example.com\u0007',
    );
  });

  test('a horizontal rule spans the width', () => {
    expect(out).toMatch(/^─{80}$/m);
    expect(renderMarkdown('---', ascii)).toBe('-'.repeat(80));
  });

  test('ASCII mode uses no box drawing or symbols', () => {
    const asciiOut = renderMarkdown(sink, ascii);
    expect(asciiOut).not.toMatch(/[╭╮╰╯│─━┌┐└┘├┤┬┴┼•◦▪☑☐▶▸🖼]/u);
    expect(asciiOut).toContain('+- i Note -');
    expect(renderMarkdown('- one\n  - two\n    - three', ascii)).toBe('* one\n  - two\n    + three');
  });

  test('fits narrow terminals, except code and single long words', () => {
    for (const opts of [plain, rich, ascii]) {
      const narrow = renderMarkdown(sink, { ...opts, width: 40 });
      expect(overlongLines(narrow, 40, (line) => line.startsWith('    '))).toEqual([]);
    }
  });

  test('never more than one blank line in a row', () => {
    const text = stripAnsi(renderMarkdown(`${sink}\n\n</br>\n\n</br>\n\n<br>\n\nend`, rich));
    expect(text).not.toMatch(/\n[ \t]*\n[ \t]*\n/);
    expect(text.endsWith('end')).toBe(true);
  });

  test('escape characters in a chapter never reach the terminal', () => {
    const hostile = 'Text \u001B[2J\u001B]8;;https://evil.example\u0007click\u001B]8;;\u0007 &#27;[31m\n\n```sh\necho \u001B[31mred\n```';
    expect(hasEscapes(renderMarkdown(hostile, plain))).toBe(false);
    const coloured = renderMarkdown(hostile, rich);
    // What is left are our own colours and links; the chapter's sequences are inert text.
    const ours = /\u001B\[[\d;]*m|\u001B\]8;;[^\u0007\u001B]*\u0007/g;
    expect(hasEscapes(coloured.replace(ours, ''))).toBe(false);
    expect(coloured).not.toContain('\u001B[2J');
    expect(coloured).not.toContain('\u001B[31mred');
  });

  test('empty input and HTML-only input render to nothing', () => {
    expect(renderMarkdown('', plain)).toBe('');
    expect(renderMarkdown('</br>\n\n<br/>', plain)).toBe('');
  });
});
