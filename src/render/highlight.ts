import { requireOwn } from '../require-own.ts';
import { highlightShell, SHELL_LANGUAGES } from './shell-highlight.ts';
import type { Style, Theme } from './theme.ts';

let loaded: typeof import('./hljs.ts').default | undefined;

/**
 * highlight.js with its languages, loaded on first need (some 20 ms): shell code, which most steps
 * are, never needs it, and a chapter's first page often has no other code.
 */
function hljs(): typeof import('./hljs.ts').default {
  loaded ??= requireOwn<typeof import('./hljs.ts')>(import.meta.url, './hljs').default;
  return loaded;
}

/** Whether `lang` (an info-string word such as `yaml` or `sh`) can be highlighted. */
export function canHighlight(lang: string | undefined): boolean {
  return Boolean(lang && (SHELL_LANGUAGES.has(lang) || hljs().getLanguage(lang)));
}

/**
 * Colour code for the terminal. Returns the code unchanged when colour is off or the
 * language is unknown (guessing a language is slow and often wrong). Every line is
 * styled on its own, so lines can be indented or boxed afterwards.
 */
export function highlightCode(code: string, lang: string | undefined, theme: Theme): string {
  if (!theme.color || !lang) return code;
  if (SHELL_LANGUAGES.has(lang)) return highlightShell(code, theme);
  if (!hljs().getLanguage(lang)) return code;
  let html: string;
  try {
    html = hljs().highlight(code, { language: lang, ignoreIllegals: true }).value;
  } catch {
    return code;
  }
  return htmlToAnsi(html, scopeStyles(theme));
}

type ScopeStyles = Record<string, Style>;

function scopeStyles(theme: Theme): ScopeStyles {
  const c = theme.chalk;
  return {
    comment: c.dim,
    quote: c.dim,
    meta: c.dim,
    doctag: c.dim,
    string: c.green,
    regexp: c.green,
    'template-tag': c.green,
    number: c.yellow,
    literal: c.yellow,
    symbol: c.yellow,
    bullet: c.yellow,
    keyword: c.magenta,
    'selector-tag': c.magenta,
    built_in: c.cyan,
    type: c.cyan,
    attr: c.cyan,
    attribute: c.cyan,
    property: c.cyan,
    'selector-attr': c.cyan,
    variable: c.blue,
    'template-variable': c.blue,
    params: (text) => text,
    title: c.bold,
    section: c.bold,
    name: c.magenta,
    tag: (text) => text,
    addition: c.green,
    deletion: c.red,
    emphasis: c.italic,
    strong: c.bold,
    link: c.underline,
  };
}

// highlight.js emits `<span class="hljs-keyword">`, `</span>` and escaped text, nothing else.
const HTML_PIECES = /<span class="([^"]*)">|<\/span>|[^<]+|</g;

function htmlToAnsi(html: string, styles: ScopeStyles): string {
  const stack: (Style | undefined)[] = [];
  let out = '';
  for (const match of html.matchAll(HTML_PIECES)) {
    const [piece, classes] = match;
    if (classes !== undefined) {
      stack.push(styleForClasses(classes, styles));
    } else if (piece === '</span>') {
      stack.pop();
    } else {
      const text = decodeHtml(piece);
      const style = stack.findLast((s) => s !== undefined);
      out += style ? text.split('\n').map((line) => (line ? style(line) : line)).join('\n') : text;
    }
  }
  return out;
}

function styleForClasses(classes: string, styles: ScopeStyles): Style | undefined {
  // `hljs-title function_` and `language-xml` scopes: the first known hljs- class decides.
  for (const name of classes.split(/\s+/)) {
    const scope = name.replace(/^hljs-/, '');
    const style = styles[scope];
    if (style) return style;
  }
  return undefined;
}

function decodeHtml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#x27;', "'")
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}
