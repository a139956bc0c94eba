import { sanitize } from '../render/sanitize.ts';
import type { ChapterMark, JourneyMap, MapChapter, MapGroup, MapOption } from './model.ts';

export interface MapStyle {
  color: boolean;
  unicode: boolean;
}

const chapterSymbols: Record<ChapterMark, [string, string]> = {
  current: ['▶', '>'],
  completed: ['✓', '+'],
  skipped: ['↷', '~'],
  'will-skip': ['↷', '~'],
  'dead-end': ['✗', 'x'],
  'not-yet': ['○', 'o'],
};

const optionSymbols: Record<MapOption['mark'], [string, string]> = {
  chosen: ['●', '*'],
  open: ['○', 'o'],
  disabled: ['⊘', '-'],
};

/** Where a chapter hangs in the tree: under an option of a choice point, or as a variant of the chapter that picks it. */
type Parent = { kind: 'option'; chapter: string; option: string } | { kind: 'variant'; chapter: string };

/**
 * Which chapters of a group nest under another line of the tree. A chapter reached by exactly
 * one edge hangs under that edge: under the option that leads to it, under the chapter whose
 * `next` picks it among variants, or next to its predecessor when that one is nested (a chain;
 * not for choice points).
 * Chapters where paths meet again (more than one way in) and the start stay at the top level.
 */
function nesting(map: JourneyMap, group: MapGroup): Map<string, Parent> {
  const inGroup = new Set(group.chapters.map((c) => c.id));
  const ways = new Map<string, Array<{ from: MapChapter; option?: string }>>();
  const addWay = (to: string, way: { from: MapChapter; option?: string }) => ways.set(to, [...(ways.get(to) ?? []), way]);
  for (const chapter of map.groups.flatMap((g) => g.chapters)) {
    for (const option of chapter.options) addWay(option.goto, { from: chapter, option: option.id });
    for (const rule of chapter.next) addWay(rule.goto, { from: chapter });
  }
  const parents = new Map<string, Parent>();
  const ancestors = (id: string): Set<string> => {
    const seen = new Set<string>();
    for (let parent = parents.get(id); parent && !seen.has(parent.chapter); parent = parents.get(parent.chapter)) seen.add(parent.chapter);
    return seen;
  };
  for (let changed = true, rounds = 0; changed && rounds <= group.chapters.length; rounds++) {
    changed = false;
    for (const chapter of group.chapters) {
      const into = ways.get(chapter.id) ?? [];
      if (parents.has(chapter.id) || into.length !== 1 || !inGroup.has(into[0]!.from.id)) continue;
      const { from, option } = into[0]!;
      const parent: Parent | undefined = option
        ? { kind: 'option', chapter: from.id, option }
        : from.next.length > 1
          ? { kind: 'variant', chapter: from.id }
          : // A choice point is a milestone of the journey: it follows its predecessor only at the top level.
            chapter.choicePoint
            ? undefined
            : parents.get(from.id);
      if (!parent || parent.chapter === chapter.id || ancestors(parent.chapter).has(chapter.id)) continue;
      parents.set(chapter.id, parent);
      changed = true;
    }
  }
  return parents;
}

/**
 * The map as a tree for the terminal: phases, then chapters; each choice point's options with
 * the chapters only that option leads to beneath them, and variants beneath the chapter that picks one.
 */
export function renderMapTree(map: JourneyMap, style: MapStyle): string {
  const paint = painter(style.color);
  const branch = style.unicode ? { mid: '├─ ', last: '└─ ', bar: '│  ', gap: '   ' } : { mid: '|- ', last: '`- ', bar: '|  ', gap: '   ' };
  const lines: string[] = [paint.bold(sanitize(map.title))];

  interface Node {
    line: string;
    children: Node[];
  }
  const draw = (nodes: Node[], pad: string): void => {
    nodes.forEach((node, i) => {
      const last = i === nodes.length - 1;
      lines.push(`${pad}${last ? branch.last : branch.mid}${node.line}`);
      draw(node.children, pad + (last ? branch.gap : branch.bar));
    });
  };

  map.groups.forEach((group, gi) => {
    const parents = nesting(map, group);
    const byId = new Map(group.chapters.map((c) => [c.id, c]));
    const childrenOf = (test: (parent: Parent) => boolean): MapChapter[] =>
      group.chapters.filter((c) => {
        const parent = parents.get(c.id);
        return parent !== undefined && test(parent);
      });
    const chapterNode = (chapter: MapChapter): Node => ({
      line: chapterLine(chapter, style, paint),
      children:
        chapter.options.length > 0
          ? chapter.options.map((option) => {
              const under = childrenOf((p) => p.kind === 'option' && p.chapter === chapter.id && p.option === option.id);
              const target = byId.get(option.goto);
              const elsewhere = under.length === 0 ? paint.dim(` ${style.unicode ? '→' : '->'} [${sanitize(option.goto)}]`) : '';
              return { line: `${optionLine(option, target, style, paint)}${elsewhere}`, children: under.map(chapterNode) };
            })
          : childrenOf((p) => p.kind === 'variant' && p.chapter === chapter.id).map(chapterNode),
    });
    const lastGroup = gi === map.groups.length - 1;
    lines.push(`${lastGroup ? branch.last : branch.mid}${paint.bold(sanitize(group.title))}`);
    draw(group.chapters.filter((c) => !parents.has(c.id)).map(chapterNode), lastGroup ? branch.gap : branch.bar);
  });
  lines.push('', legend(style, paint));
  return `${lines.join('\n')}\n`;
}

function chapterLine(chapter: MapChapter, style: MapStyle, paint: Painter): string {
  const symbol = chapterSymbols[chapter.mark][style.unicode ? 0 : 1];
  const kind = chapter.choicePoint ? ' ?' : chapter.deadEnd ? ' (dead end)' : chapter.ending ? ' (end)' : '';
  const note =
    chapter.mark === 'current'
      ? paint.cyan(style.unicode ? '  ← you are here' : '  <- you are here')
      : chapter.reason
        ? paint.dim(`  (skipped: ${sanitize(chapter.reason)})`)
        : chapter.depends
          ? paint.dim(`  (${sanitize(chapter.depends)})`)
          : '';
  const checks =
    chapter.checks === 'skipped' || chapter.checks === 'unverified'
      ? paint.yellow(`  (checks ${chapter.checks})`)
      : chapter.checks === 'failed'
        ? paint.yellow('  (checks failed)')
        : '';
  const title = `${sanitize(chapter.title)}${kind}`;
  const shown =
    chapter.mark === 'current' ? paint.cyan(paint.bold(title)) : chapter.mark === 'completed' ? paint.green(title) : chapter.mark === 'not-yet' ? title : paint.dim(title);
  return `${symbol} ${shown} ${paint.dim(`[${sanitize(chapter.id)}]`)}${checks}${note}`;
}

function optionLine(option: MapOption, target: MapChapter | undefined, style: MapStyle, paint: Painter): string {
  const symbol = optionSymbols[option.mark][style.unicode ? 0 : 1];
  const label = sanitize(option.label);
  const deadEnd = target?.deadEnd ? paint.dim(' (dead end)') : '';
  if (option.mark === 'chosen') return `${symbol} ${paint.green(paint.bold(label))}${deadEnd}${paint.dim(`  ${sanitize(option.audience?.text ?? 'your choice')}`)}`;
  if (option.mark === 'disabled') return paint.dim(`${symbol} ${label}  (not available: ${sanitize(option.because ?? 'condition false')})`);
  return `${symbol} ${label}${deadEnd}${option.depends ? paint.dim(`  (${sanitize(option.depends)})`) : ''}`;
}

function legend(style: MapStyle, paint: Painter): string {
  const s = (pair: [string, string]) => pair[style.unicode ? 0 : 1];
  return paint.dim(
    `${s(chapterSymbols.completed)} done  ${s(chapterSymbols.current)} current  ${s(chapterSymbols.skipped)} skipped  ${s(chapterSymbols['dead-end'])} dead end  ` +
      `${s(optionSymbols.chosen)} chosen  ${s(optionSymbols.disabled)} not available  ? choice point`,
  );
}

/** The map as a Mermaid flowchart (GitHub renders it in Markdown files). */
export function renderMapMermaid(map: JourneyMap): string {
  const ids = new Map<string, string>();
  const node = (chapterId: string) => {
    let id = ids.get(chapterId);
    if (!id) {
      id = `c${ids.size}`;
      ids.set(chapterId, id);
    }
    return id;
  };
  const lines = ['flowchart TD'];
  const classes: Record<string, string[]> = { done: [], current: [], skipped: [], deadend: [], audience: [] };
  const chapters = map.groups.flatMap((g) => g.chapters);
  for (const group of map.groups) {
    lines.push(`  subgraph ${group.id ? `phase_${group.id.replace(/[^A-Za-z0-9_]/g, '_')}` : 'other'}["${label(group.title)}"]`);
    // Without it, a phase of many chapters is laid out as one wide strip, read by scrolling sideways.
    lines.push('    direction TB');
    for (const chapter of group.chapters) {
      const text = label(chapter.title);
      const shape = chapter.choicePoint ? `{"${text}"}` : chapter.deadEnd ? `[/"${text}"/]` : chapter.ending ? `(["${text}"])` : `["${text}"]`;
      lines.push(`    ${node(chapter.id)}${shape}`);
    }
    lines.push('  end');
  }
  for (const chapter of chapters) {
    const from = node(chapter.id);
    for (const option of chapter.options) {
      const arrow = option.mark === 'disabled' ? '-.->' : option.mark === 'chosen' ? '==>' : '-->';
      // The audience's choices carry a ballot box and the count, and their chapter is marked.
      const vote = option.audience;
      const text = vote ? `🗳️ ${option.label} · ${vote.votes} of ${vote.total}${vote.decidedBy === 'audience' ? '' : vote.decidedBy === 'presenter' ? ', overruled' : ', a tie'}` : option.label;
      lines.push(`  ${from} ${arrow}|"${label(text)}"| ${node(option.goto)}`);
      if (option.audience) classes.audience!.push(node(option.goto));
    }
    for (const rule of chapter.next) {
      lines.push(rule.when ? `  ${from} -.->|"${label(rule.whenText ?? rule.when)}"| ${node(rule.goto)}` : `  ${from} --> ${node(rule.goto)}`);
    }
    if (chapter.mark === 'completed') classes.done!.push(from);
    if (chapter.mark === 'current') classes.current!.push(from);
    if (chapter.mark === 'skipped' || chapter.mark === 'will-skip') classes.skipped!.push(from);
    if (chapter.deadEnd) classes.deadend!.push(from);
  }
  lines.push(
    '  classDef done fill:#d4f7d4,stroke:#2a7a2a',
    '  classDef current fill:#cde8ff,stroke:#1f6fb2,stroke-width:3px',
    '  classDef skipped fill:#eeeeee,stroke:#999999,color:#777777',
    '  classDef deadend fill:#ffe0e0,stroke:#b22222',
    '  classDef audience stroke:#8a2be2,stroke-width:4px',
  );
  for (const [name, members] of Object.entries(classes)) if (members.length > 0) lines.push(`  class ${members.join(',')} ${name}`);
  return `${lines.join('\n')}\n`;
}

function label(text: string): string {
  return sanitize(text).replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
}

interface Painter {
  bold: (s: string) => string;
  dim: (s: string) => string;
  green: (s: string) => string;
  cyan: (s: string) => string;
  yellow: (s: string) => string;
}

function painter(color: boolean): Painter {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), cyan: wrap(36, 39), yellow: wrap(33, 39) };
}
