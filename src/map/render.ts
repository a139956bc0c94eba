import type { ChapterMark, JourneyMap, MapChapter, MapOption } from './model.ts';

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

/** The map as a tree for the terminal: phases, then chapters, then each choice point's options. */
export function renderMapTree(map: JourneyMap, style: MapStyle): string {
  const paint = painter(style.color);
  const branch = style.unicode ? { mid: '├─ ', last: '└─ ', bar: '│  ', gap: '   ' } : { mid: '|- ', last: '`- ', bar: '|  ', gap: '   ' };
  const byId = new Map(map.groups.flatMap((g) => g.chapters).map((c) => [c.id, c]));
  const lines: string[] = [paint.bold(map.title)];
  map.groups.forEach((group, gi) => {
    const lastGroup = gi === map.groups.length - 1;
    lines.push(`${lastGroup ? branch.last : branch.mid}${paint.bold(group.title)}`);
    const groupPad = lastGroup ? branch.gap : branch.bar;
    group.chapters.forEach((chapter, ci) => {
      const lastChapter = ci === group.chapters.length - 1;
      lines.push(`${groupPad}${lastChapter ? branch.last : branch.mid}${chapterLine(chapter, style, paint)}`);
      const chapterPad = groupPad + (lastChapter ? branch.gap : branch.bar);
      chapter.options.forEach((option, oi) => {
        const lastOption = oi === chapter.options.length - 1;
        const target = byId.get(option.goto);
        lines.push(`${chapterPad}${lastOption ? branch.last : branch.mid}${optionLine(option, target, style, paint)}`);
      });
    });
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
        ? paint.dim(`  (skipped: ${chapter.reason})`)
        : '';
  const checks =
    chapter.checks === 'skipped' || chapter.checks === 'unverified'
      ? paint.yellow(`  (checks ${chapter.checks})`)
      : chapter.checks === 'failed'
        ? paint.yellow('  (checks failed)')
        : '';
  const title = `${chapter.title}${kind}`;
  const shown =
    chapter.mark === 'current' ? paint.cyan(paint.bold(title)) : chapter.mark === 'completed' ? paint.green(title) : chapter.mark === 'not-yet' ? title : paint.dim(title);
  return `${symbol} ${shown} ${paint.dim(`[${chapter.id}]`)}${checks}${note}`;
}

function optionLine(option: MapOption, target: MapChapter | undefined, style: MapStyle, paint: Painter): string {
  const symbol = optionSymbols[option.mark][style.unicode ? 0 : 1];
  const deadEnd = target?.deadEnd ? paint.dim(' (dead end)') : '';
  if (option.mark === 'chosen') return `${symbol} ${paint.green(paint.bold(option.label))}${deadEnd}${paint.dim('  your choice')}`;
  if (option.mark === 'disabled') return paint.dim(`${symbol} ${option.label}  (not available: ${option.because ?? 'condition false'})`);
  return `${symbol} ${option.label}${deadEnd}`;
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
  const classes: Record<string, string[]> = { done: [], current: [], skipped: [], deadend: [] };
  const chapters = map.groups.flatMap((g) => g.chapters);
  for (const group of map.groups) {
    lines.push(`  subgraph ${group.id ? `phase_${group.id.replace(/[^A-Za-z0-9_]/g, '_')}` : 'other'}["${label(group.title)}"]`);
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
      lines.push(`  ${from} ${arrow}|"${label(option.label)}"| ${node(option.goto)}`);
    }
    for (const rule of chapter.next) {
      lines.push(rule.when ? `  ${from} -.->|"${label(rule.when)}"| ${node(rule.goto)}` : `  ${from} --> ${node(rule.goto)}`);
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
  );
  for (const [name, members] of Object.entries(classes)) if (members.length > 0) lines.push(`  class ${members.join(',')} ${name}`);
  return `${lines.join('\n')}\n`;
}

function label(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
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
