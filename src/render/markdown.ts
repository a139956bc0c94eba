import { createRequire } from 'node:module';
import { Lexer, Marked, type RendererObject, type Token, type Tokens } from 'marked';
import { panelInnerWidth } from './box.ts';
import { renderCalloutPanel, type CalloutKind } from './callout.ts';
import { highlightCode } from './highlight.ts';
import type { TerminalOptions } from './terminal.ts';
import {
  collapseBlankLines,
  expandTabs,
  hyperlink,
  indentLines,
  stripAnsi,
  toAscii,
  visibleWidth,
  widestLine,
  wrapText,
} from './text.ts';
import { sanitize } from './sanitize.ts';
import { themeFor, type Theme } from './theme.ts';

/*
 * Markdown → terminal text, as a marked renderer.
 *
 * This follows marked-terminal's design (a renderer object for a fresh Marked instance,
 * reflowed paragraphs, cli-table3 tables, highlighted code) but does not import it:
 * importing it costs 130–190 ms (its cli-highlight loads all of highlight.js), a third
 * to half of the first-chapter budget, and its renderers read global state (chalk's level,
 * `supports-hyperlinks` for stdout, `process.stdout.columns`) where we need the output to
 * depend on `TerminalOptions` only. It also prints `#` markers, raw HTML, image syntax,
 * and raw Markdown inside tight list items, which a designed page cannot have.
 */

/** cli-table3, once a table needed it. */
let tableConstructor: typeof import('cli-table3') | undefined;

/** Inline marker for "this belongs on a line of its own" (video links, HTML blocks). */
const OWN_LINE = '\u2028';
/** Columns code blocks are indented by. */
const CODE_INDENT = '    ';

const ALERT = /^\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)/i;
const ALERT_KINDS: Record<string, { kind: CalloutKind; label: string }> = {
  NOTE: { kind: 'info', label: 'Note' },
  TIP: { kind: 'tip', label: 'Tip' },
  IMPORTANT: { kind: 'important', label: 'Important' },
  WARNING: { kind: 'warning', label: 'Warning' },
  CAUTION: { kind: 'error', label: 'Caution' },
};

/**
 * Render a chapter's Markdown for the terminal: styled headings without `#`, wrapped
 * paragraphs, lists, tables, highlighted code, callout panels for blockquotes and GitHub
 * alerts, links as OSC 8 hyperlinks or `text (url)`, images and videos as short markers,
 * raw HTML reduced to its text. Like every block renderer it ends with one blank line
 * ("…\n\n"), or is empty when there is nothing to show; with `color: false` it contains
 * no escape codes at all.
 */
export function renderMarkdown(markdown: string, opts: TerminalOptions, options: MarkdownOptions = {}): string {
  const renderer = new TerminalMarkdown(opts, options);
  const marked = new Marked({ gfm: true, breaks: false, async: false });
  marked.use({ renderer: renderer.object() });
  const out = marked.parse(sanitize(markdown).replace(/\r\n?/g, '\n')) as string;
  const page = collapseBlankLines(out, 1).replace(/^\n+|\n+$/g, '');
  return page ? `${page}\n\n` : '';
}

/** How one piece of Markdown is rendered, beyond the terminal's abilities. */
export interface MarkdownOptions {
  /**
   * The chapter title, already shown in the chapter header: a level-1 heading with this
   * text is left out (chapters carry one so they read well on GitHub).
   */
  omitTitle?: string;
}

type Parser = ThisParameterType<NonNullable<RendererObject['paragraph']>>['parser'];

/** One rendering pass: the options plus the layout state that nested blocks change. */
class TerminalMarkdown {
  private readonly theme: Theme;
  /** Columns available to the block being rendered (less inside lists and panels). */
  private width: number;
  private listDepth = 0;
  /** Set while rendering a bulleted task item, whose checkbox is drawn as its marker. */
  private checkboxIsMarker = false;
  private inTable = false;
  /** `href`s of raw HTML `<a>` tags that are open, for their closing tags. */
  private readonly openAnchors: string[] = [];
  private readonly opts: TerminalOptions;
  private readonly omitTitle: string | undefined;

  constructor(opts: TerminalOptions, options: MarkdownOptions) {
    this.opts = opts;
    this.omitTitle = options.omitTitle ? normalizeTitle(options.omitTitle) : undefined;
    this.theme = themeFor(opts);
    this.width = opts.width;
  }

  /** The renderer methods, bound to this pass; marked supplies `this.parser`. */
  object(): RendererObject {
    // marked calls these with `this` bound to its renderer (for `this.parser`).
    const self = this;
    return {
      space: () => '',
      def: () => '',
      paragraph(token) {
        return self.block(self.wrapInline(this.parser.parseInline(token.tokens)));
      },
      text(token) {
        if ('tokens' in token && token.tokens) return this.parser.parseInline(token.tokens);
        if (token.type === 'escape') return sanitize(token.text);
        // marked decodes numeric entities itself, so `&#27;` can arrive as a raw escape.
        // A soft line break is a space (paragraphs are reflowed); runs of spaces are one.
        return self.prose(decodeEntities(sanitize(token.text)).replace(/[ \t]*\n[ \t]*|[ \t]{2,}/g, ' '));
      },
      heading(token) {
        return self.heading(this.parser.parseInline(token.tokens), token.depth);
      },
      hr: () => self.block(self.theme.style.rule(self.theme.symbol.rule.repeat(self.width))),
      code(token) {
        return self.code(token);
      },
      blockquote(token) {
        return self.blockquote(this.parser, token);
      },
      html(token) {
        const text = self.htmlToInline(token.text, token.block);
        if (!token.block) return text;
        const wrapped = self.wrapInline(text);
        return stripAnsi(wrapped).trim() === '' ? '' : self.block(wrapped);
      },
      list(token) {
        return self.list(this.parser, token);
      },
      listitem(item) {
        return self.listItem(this.parser, item);
      },
      checkbox(token) {
        // In a bulleted task list the box is already the item's marker.
        return self.checkboxIsMarker ? '' : self.checkbox(token.checked);
      },
      table(token) {
        return self.table(this.parser, token);
      },
      strong(token) {
        return self.theme.style.strong(this.parser.parseInline(token.tokens));
      },
      em(token) {
        return self.theme.style.em(this.parser.parseInline(token.tokens));
      },
      del(token) {
        return self.theme.style.del(this.parser.parseInline(token.tokens));
      },
      codespan(token) {
        return self.theme.style.codespan(sanitize(token.text).replace(/\n/g, ' '));
      },
      br: () => '\n',
      link(token) {
        return self.link(this.parser, token);
      },
      image(token) {
        return self.imageMarker(self.prose(imageAlt(token)), token.href);
      },
    };
  }

  // ── blocks ────────────────────────────────────────────────────────────────────────

  /** A block is followed by one blank line; runs of blank lines are collapsed at the end. */
  private block(text: string): string {
    return `${text}\n\n`;
  }

  /** Reflow inline text to the current width, keeping hard breaks and own-line pieces. */
  private wrapInline(inline: string): string {
    const text = inline
      .replace(/[ \t]*\u2028[\s\u2028]*/g, OWN_LINE)
      .replace(/^\u2028+|\u2028+$/g, '')
      .replaceAll(OWN_LINE, '\n');
    return text
      .split('\n')
      .map((piece) => (stripAnsi(piece).trim() === '' ? '' : wrapText(piece, this.width)))
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
  }

  private heading(inline: string, depth: number): string {
    const { style, symbol } = this.theme;
    if (depth === 1 && this.omitTitle !== undefined && normalizeTitle(stripAnsi(inline)) === this.omitTitle) return '';
    const text = wrapText(inline.replace(/\s*\n\s*/g, ' ').trim(), this.width);
    switch (depth) {
      case 1:
        return this.block(`${style.h1(text)}\n${style.h1(symbol.heavyRule.repeat(this.width))}`);
      case 2:
        return this.block(`${style.h2(text)}\n${style.rule(symbol.rule.repeat(this.width))}`);
      case 3:
        // Without colour a bold heading would look like any other line: underline it.
        return this.block(
          this.opts.color ? style.h3(text) : `${text}\n${symbol.rule.repeat(widestLine(text))}`,
        );
      default:
        return this.block(style.h4(text));
    }
  }

  private code(token: Tokens.Code): string {
    const lang = (token.lang ?? '').trim().split(/\s+/)[0]?.toLowerCase();
    const code = expandTabs(sanitize(token.text)).replace(/\n+$/, '');
    return this.block(indentLines(highlightCode(code, lang, this.theme), CODE_INDENT));
  }

  private blockquote(parser: Parser, token: Tokens.Blockquote): string {
    const alert = ALERT.exec(token.text);
    const look = alert?.[1] ? ALERT_KINDS[alert[1].toUpperCase()] : undefined;
    // GitHub alerts: the marker line goes, the rest is Markdown of its own.
    const tokens: Token[] = alert && look ? Lexer.lex(token.text.slice(alert[0].length), parser.options) : token.tokens;
    const outer = this.width;
    const body = this.withWidth(panelInnerWidth(outer), () => parser.parse(tokens));
    const rendered = collapseBlankLines(body, 1).replace(/^\n+|\n+$/g, '');
    const panelOpts = { ...this.opts, width: outer };
    return this.block(
      look
        ? renderCalloutPanel(look.kind, look.label, rendered, panelOpts)
        : renderCalloutPanel('quote', '', rendered, panelOpts),
    );
  }

  private list(parser: Parser, token: Tokens.List): string {
    const { style, symbol } = this.theme;
    const start = typeof token.start === 'number' ? token.start : 1;
    const bullet = symbol.bullets[this.listDepth % symbol.bullets.length] ?? '*';
    // A task item's checkbox is its marker, as on GitHub.
    const markers = token.items.map((item, index) =>
      item.task && !token.ordered
        ? item.checked
          ? style.accent(symbol.taskDone)
          : symbol.taskOpen
        : token.ordered
          ? `${start + index}.`
          : bullet,
    );
    const markerWidth = Math.max(...markers.map(visibleWidth)) + 1;
    const hang = ' '.repeat(markerWidth);

    const items = token.items.map((item, index) => {
      const marker = markers[index] ?? bullet;
      const content = this.withWidth(this.width - markerWidth, () => {
        const saved = this.checkboxIsMarker;
        this.listDepth += 1;
        this.checkboxIsMarker = item.task && !token.ordered;
        try {
          return this.listItem(parser, item, token.ordered);
        } finally {
          this.listDepth -= 1;
          this.checkboxIsMarker = saved;
        }
      });
      // Numbers are right-aligned so the item texts line up.
      const pad = ' '.repeat(markerWidth - 1 - visibleWidth(marker));
      return content
        .split('\n')
        .map((line, n) => (n === 0 ? `${pad}${item.task ? marker : style.bullet(marker)} ${line}` : line ? hang + line : line))
        .join('\n');
    });
    return this.block(items.join(token.loose ? '\n\n' : '\n'));
  }

  /** An item's blocks at the current (already narrowed) width, without the marker. */
  private listItem(parser: Parser, item: Tokens.ListItem, parentOrdered = false): string {
    let out = '';
    let checkbox = '';
    for (const token of item.tokens) {
      if (token.type === 'checkbox') {
        // In an ordered list the number stays the marker and the box goes before the text.
        if (parentOrdered) checkbox = this.checkbox(Boolean((token as Tokens.Checkbox).checked));
      } else if (token.type === 'text') {
        const text = token as Tokens.Text;
        const inline = text.tokens ? parser.parseInline(text.tokens) : this.prose(decodeEntities(sanitize(text.text)));
        out += `${this.wrapInline(checkbox + inline)}\n`;
        checkbox = '';
      } else if (token.type === 'paragraph' && checkbox) {
        out += this.block(this.wrapInline(checkbox + parser.parseInline((token as Tokens.Paragraph).tokens)));
        checkbox = '';
      } else {
        out += parser.parse([token]);
      }
    }
    return collapseBlankLines(out, 1).replace(/^\n+|\n+$/g, '');
  }

  private checkbox(checked: boolean): string {
    const { symbol, style } = this.theme;
    return checked ? `${style.accent(symbol.taskDone)} ` : `${symbol.taskOpen} `;
  }

  private table(parser: Parser, token: Tokens.Table): string {
    const cell = (c: Tokens.TableCell): string => parser.parseInline(c.tokens).trim();
    // cli-table3 measures only colour codes, so links inside cells are written out plainly.
    this.inTable = true;
    let head: string[];
    let rows: string[][];
    try {
      head = token.header.map((c) => this.theme.style.strong(cell(c)));
      rows = token.rows.map((row) => row.map(cell));
    } finally {
      this.inTable = false;
    }
    const colWidths = fitColumns([head, ...rows], this.width);
    // Cells are wrapped here (at spaces, long words broken) rather than by cli-table3,
    // which cuts long words off with an ellipsis.
    const fit = (cells: string[]): string[] =>
      colWidths ? cells.map((text, col) => wrapText(text, (colWidths[col] ?? 5) - 2, { hard: true })) : cells;
    // cli-table3 (CommonJS, with its own string-width) is required on the first table, not at startup.
    const Table = (tableConstructor ??= createRequire(import.meta.url)('cli-table3') as typeof import('cli-table3'));
    const table = new Table({
      head: fit(head),
      chars: tableChars(this.theme),
      style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
      colAligns: token.align.map((a) => a ?? 'left'),
      ...(colWidths ? { colWidths } : {}),
    });
    table.push(...rows.map(fit));
    return this.block(table.toString());
  }

  // ── inline ────────────────────────────────────────────────────────────────────────

  private link(parser: Parser, token: Tokens.Link): string {
    const href = sanitize(token.href ?? '');
    const visible = token.tokens.filter((t) => !(t.type === 'text' && t.raw.trim() === ''));
    const only = visible.length === 1 ? visible[0] : undefined;
    if (only?.type === 'image') {
      // `[![title](thumbnail)](url)`: GitHub's way of embedding a video (or a linked picture).
      const image = only as Tokens.Image;
      const alt = this.prose(imageAlt(image));
      if (isVideo(href) || isVideo(image.href)) return OWN_LINE + this.videoLine(alt, href) + OWN_LINE;
      return this.imageMarker(alt, href);
    }
    return this.formatLink(parser.parseInline(token.tokens), href);
  }

  /** `text` pointing at `href`: OSC 8 when the terminal can click, `text (url)` otherwise. */
  private formatLink(text: string, href: string): string {
    const { style } = this.theme;
    // Links between chapters or files of the repository mean nothing in a terminal.
    if (!isAbsoluteUrl(href)) return text;
    const plain = stripAnsi(text).trim();
    if (this.opts.hyperlinks && !this.inTable) return hyperlink(style.link(text || href), href);
    if (!plain) return style.url(href);
    // `<hero@example.com>` reads better as the address than as `mailto:hero@example.com`.
    if (sameAddress(plain, href)) return style.url(/^mailto:/i.test(href) ? plain : href);
    return `${text} (${style.url(href)})`;
  }

  private videoLine(title: string, href: string): string {
    const { style, symbol } = this.theme;
    const label = style.accent(`${symbol.play} Video:`);
    const name = title || 'video';
    if (!isAbsoluteUrl(href)) return `${label} ${name}`;
    return `${label} ${this.formatLink(style.strong(name), href)}`;
  }

  /** `🖼 alt` (or `[image: alt]`): pictures cannot be shown, but the reader should know one is there. */
  imageMarker(alt: string, href: string | undefined): string {
    const { style, symbol, unicode } = this.theme;
    const name = alt || 'image';
    const marker = unicode ? `${symbol.image} ${name}` : `[image: ${name}]`;
    if (this.opts.hyperlinks && !this.inTable && href && isAbsoluteUrl(href)) {
      return hyperlink(style.dim(marker), sanitize(href));
    }
    return style.dim(marker);
  }

  /**
   * Raw HTML (GitHub READMEs are full of it) reduced to what it means as text: `<br>` is a
   * line break, `<summary>` a heading line, `<img>` an image marker, `<a>` a link, and every
   * other tag disappears.
   */
  private htmlToInline(html: string, block: boolean): string {
    const { style, symbol } = this.theme;
    let s = sanitize(html).replace(/<!--[\s\S]*?(?:-->|$)/g, '');
    if (block) s = s.replace(/\s*\n\s*/g, ' ');
    s = s.replace(/<a\b([^>]*)>\s*<img\b([^>]*)>\s*<\/a\s*>/gi, (_, anchor: string, img: string) => {
      const href = htmlAttribute(anchor, 'href') ?? '';
      const alt = htmlAttribute(img, 'alt') ?? htmlAttribute(img, 'title') ?? '';
      const src = htmlAttribute(img, 'src') ?? '';
      if (isVideo(href) || isVideo(src)) return OWN_LINE + this.videoLine(alt, href) + OWN_LINE;
      return this.imageMarker(alt, href);
    });
    s = s.replace(/<summary\b[^>]*>([\s\S]*?)<\/summary\s*>/gi, (_, inner: string) => {
      const text = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim();
      return OWN_LINE + style.strong(`${symbol.disclosure} ${text}`) + OWN_LINE;
    });
    s = s.replace(/<img\b([^>]*)>/gi, (_, attrs: string) =>
      this.imageMarker(htmlAttribute(attrs, 'alt') ?? htmlAttribute(attrs, 'title') ?? '', htmlAttribute(attrs, 'src')),
    );
    s = s.replace(/<\/?br\s*\/?>/gi, '\n');
    s = s.replace(/<a\b([^>]*)>/gi, (_, attrs: string) => {
      const href = sanitize(htmlAttribute(attrs, 'href') ?? '');
      this.openAnchors.push(href);
      return this.opts.hyperlinks && !this.inTable && isAbsoluteUrl(href) ? osc8Open(href) : '';
    });
    s = s.replace(/<\/a\s*>/gi, () => {
      const href = this.openAnchors.pop() ?? '';
      if (!isAbsoluteUrl(href)) return '';
      return this.opts.hyperlinks && !this.inTable ? OSC8_CLOSE : ` (${style.url(href)})`;
    });
    s = s.replace(
      /<\/?(?:p|div|details|center|h[1-6]|ul|ol|li|table|thead|tbody|tr|section|article|blockquote|pre|figure|figcaption|dl|dt|dd|hr)\b[^>]*>/gi,
      OWN_LINE,
    );
    s = s.replace(/<\/?[a-zA-Z][^>]*>/g, '');
    return this.prose(decodeEntities(s));
  }

  /** Text for the reader (not code): typographic punctuation in ASCII when Unicode is off. */
  private prose(text: string): string {
    return this.opts.unicode ? text : toAscii(text);
  }

  private withWidth<T>(width: number, render: () => T): T {
    const saved = this.width;
    this.width = Math.max(10, width);
    try {
      return render();
    } finally {
      this.width = saved;
    }
  }
}

// ── helpers ───────────────────────────────────────────────────────────────────────

const OSC8_CLOSE = '\u001B]8;;\u0007';
function osc8Open(url: string): string {
  return `\u001B]8;;${url.replace(/\s/g, '%20')}\u0007`;
}

function normalizeTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim().toLowerCase();
}

function imageAlt(image: Tokens.Image): string {
  return decodeEntities(sanitize(image.text || image.title || '')).replace(/\s+/g, ' ').trim();
}

const VIDEO_HOSTS = /^(?:https?:)?\/\/(?:[\w-]+\.)*(?:youtube\.com|youtu\.be|youtube-nocookie\.com|ytimg\.com|vimeo\.com|vimeocdn\.com)(?:[/:?#]|$)/i;

/** Whether a link or thumbnail address belongs to a video site. */
export function isVideo(url: string | undefined): boolean {
  return Boolean(url && VIDEO_HOSTS.test(url));
}

function isAbsoluteUrl(href: string): boolean {
  return /^[a-z][a-z\d+.-]*:/i.test(href) || href.startsWith('//');
}

/** `https://x.io/` and `x.io`, or `mailto:a@b` and `a@b`, name the same place. */
function sameAddress(text: string, href: string): boolean {
  const norm = (s: string) =>
    s
      .trim()
      .replace(/^mailto:/i, '')
      .replace(/^[a-z][a-z\d+.-]*:\/\//i, '')
      .replace(/\/+$/, '')
      .toLowerCase();
  return norm(text) === norm(href);
}

function htmlAttribute(attrs: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value === undefined ? undefined : decodeEntities(value);
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  times: '×',
  rarr: '→',
  larr: '←',
  uarr: '↑',
  darr: '↓',
  check: '✓',
};

/**
 * Decode the HTML entities authors write in Markdown (`&amp;`, `&nbsp;`, `&#8594;`).
 * An entity that stands for a control character (`&#27;`) decodes to nothing; the rest of
 * the text is left as it is (callers sanitize what came from the file).
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? sanitize(String.fromCodePoint(code)) : entity;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

type TableChars = Record<
  | 'top'
  | 'top-mid'
  | 'top-left'
  | 'top-right'
  | 'bottom'
  | 'bottom-mid'
  | 'bottom-left'
  | 'bottom-right'
  | 'left'
  | 'left-mid'
  | 'mid'
  | 'mid-mid'
  | 'right'
  | 'right-mid'
  | 'middle',
  string
>;

function tableChars(theme: Theme): TableChars {
  const chars: TableChars = theme.unicode
    ? {
        top: '─',
        'top-mid': '┬',
        'top-left': '╭',
        'top-right': '╮',
        bottom: '─',
        'bottom-mid': '┴',
        'bottom-left': '╰',
        'bottom-right': '╯',
        left: '│',
        'left-mid': '├',
        mid: '─',
        'mid-mid': '┼',
        right: '│',
        'right-mid': '┤',
        middle: '│',
      }
    : {
        top: '-',
        'top-mid': '+',
        'top-left': '+',
        'top-right': '+',
        bottom: '-',
        'bottom-mid': '+',
        'bottom-left': '+',
        'bottom-right': '+',
        left: '|',
        'left-mid': '+',
        mid: '-',
        'mid-mid': '+',
        right: '|',
        'right-mid': '+',
        middle: '|',
      };
  // cli-table3 measures cells without colour codes, so dimmed borders keep their width.
  const dim = theme.style.rule;
  return Object.fromEntries(Object.entries(chars).map(([k, v]) => [k, dim(v)])) as TableChars;
}

/**
 * Column widths (padding included) that fit `width`, or undefined when the table fits as is.
 * Every column first gets room for its longest word; what is left goes to the columns in
 * proportion to how much more they would like. When even the longest words do not fit,
 * narrow columns keep their natural width and the rest share evenly.
 */
function fitColumns(rows: string[][], width: number): number[] | undefined {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  if (columns === 0) return undefined;
  const cellsOf = (col: number) => rows.map((row) => stripAnsi(row[col] ?? ''));
  const natural = Array.from({ length: columns }, (_, col) => Math.max(3, ...cellsOf(col).map((c) => widestLine(c) + 2)));
  const available = width - (columns + 1);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  if (sum(natural) <= available) return undefined;

  const longestWord = (col: number) => Math.max(0, ...cellsOf(col).flatMap((c) => c.split(/\s+/).map(visibleWidth)));
  const minimum = natural.map((w, col) => Math.min(w, Math.max(5, longestWord(col) + 2)));
  if (sum(minimum) <= available) {
    const extra = available - sum(minimum);
    const wants = natural.map((w, col) => w - (minimum[col] ?? 0));
    const totalWants = Math.max(1, sum(wants));
    return minimum.map((min, col) => min + Math.floor((extra * (wants[col] ?? 0)) / totalWants));
  }

  const result = new Array<number>(columns).fill(0);
  let left = available;
  const order = natural.map((w, col) => ({ w, col })).sort((a, b) => a.w - b.w);
  order.forEach(({ w, col }, i) => {
    const given = Math.max(5, Math.min(w, Math.floor(left / (columns - i))));
    result[col] = given;
    left -= given;
  });
  return result;
}
