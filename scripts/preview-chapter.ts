// Print a chapter file the way the play loop shows it: header, prose, step cards.
// Usage: node scripts/preview-chapter.ts FILE [--width N] [--no-color] [--ascii] [--hyperlinks] [--timing]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const started = performance.now();
// sh/bash/shell fences are steps unless their info string says norun.
const STEP_FENCE = /^```(sh|bash|shell)\b(?![^\n]*\bnorun\b)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    width: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    ascii: { type: 'boolean' },
    hyperlinks: { type: 'boolean' },
    'no-hyperlinks': { type: 'boolean' },
    timing: { type: 'boolean' },
  },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: node scripts/preview-chapter.ts FILE [--width N] [--no-color] [--ascii] [--hyperlinks] [--timing]\n');
  process.exitCode = 2;
} else {
  const { detectTerminal } = await import('../src/render/terminal.ts');
  const { renderChapterHeader, renderStepCard } = await import('../src/render/chapter.ts');
  const { renderMarkdown } = await import('../src/render/markdown.ts');
  const imported = performance.now();

  const detected = detectTerminal(process.env, process.stdout);
  const opts = {
    width: values.width ? Number(values.width) : detected.width,
    color: values['no-color'] ? false : values.color ? true : detected.color,
    hyperlinks: values['no-hyperlinks'] ? false : values.hyperlinks ? true : detected.hyperlinks,
    unicode: values.ascii ? false : detected.unicode,
  };

  const source = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
  const { front, body } = splitFrontMatter(source);
  const steps = [...body.matchAll(STEP_FENCE)];
  let out = '';
  if (front['title']) {
    out += renderChapterHeader(
      {
        title: front['title'],
        ...(front['episode'] ? { episode: front['episode'] } : {}),
        ...(front['summary'] ? { summary: front['summary'] } : {}),
        journeyTitle: 'Preview',
      },
      opts,
    );
  }
  // The header already shows the title; the body's own `# Title` is left out.
  const markdownOptions = front['title'] ? { omitTitle: front['title'] } : {};
  let at = 0;
  steps.forEach((match, index) => {
    const prose = renderMarkdown(body.slice(at, match.index), opts, markdownOptions);
    out += prose;
    const title = /title="([^"]*)"/.exec(match[2] ?? '')?.[1];
    out += renderStepCard(
      {
        ...(title ? { title } : {}),
        code: match[3] ?? '',
        lang: match[1] ?? 'bash',
        index,
        total: steps.length,
        optional: /\boptional\b/.test(match[2] ?? ''),
      },
      opts,
    );
    at = match.index + match[0].length;
  });
  const rest = renderMarkdown(body.slice(at), opts, markdownOptions);
  out += rest;
  process.stdout.write(out);
  if (values.timing) {
    const done = performance.now();
    process.stderr.write(
      `imports ${(imported - started).toFixed(0)} ms, render ${(done - imported).toFixed(0)} ms, since process start ${done.toFixed(0)} ms\n`,
    );
  }
}


/** Front matter as flat `key: value` strings; enough for a preview. */
function splitFrontMatter(source: string): { front: Record<string, string>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(source);
  if (!match) return { front: {}, body: source };
  const front: Record<string, string> = {};
  for (const line of (match[1] ?? '').split('\n')) {
    const kv = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (kv?.[1] && kv[2]) front[kv[1]] = kv[2].replace(/^["']|["']$/g, '');
  }
  return { front, body: source.slice(match[0].length) };
}
