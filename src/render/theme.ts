import { Chalk, type ChalkInstance } from 'chalk';
import type { TerminalOptions } from './terminal.ts';

/** A text style: identity when colour is off, so plain output has no escape codes. */
export type Style = (text: string) => string;

/** Every style and symbol the renderer uses, resolved for one set of terminal options. */
export interface Theme {
  chalk: ChalkInstance;
  color: boolean;
  unicode: boolean;
  style: {
    h1: Style;
    h2: Style;
    h3: Style;
    h4: Style;
    rule: Style;
    strong: Style;
    em: Style;
    del: Style;
    codespan: Style;
    link: Style;
    url: Style;
    dim: Style;
    bullet: Style;
    accent: Style;
    title: Style;
  };
  symbol: {
    bullets: readonly string[];
    rule: string;
    heavyRule: string;
    dot: string;
    ellipsis: string;
    arrow: string;
    play: string;
    image: string;
    check: string;
    cross: string;
    skip: string;
    taskDone: string;
    taskOpen: string;
    continuation: string;
    disclosure: string;
  };
}

// Basic 16 colours follow the learner's own terminal palette, which keeps them readable
// on light and dark backgrounds alike.
const colorChalk = new Chalk({ level: 1 });
const plainChalk = new Chalk({ level: 0 });

const themes = new Map<string, Theme>();

/** The theme for these options (cached: there are only four combinations). */
export function themeFor(opts: Pick<TerminalOptions, 'color' | 'unicode'>): Theme {
  const key = `${opts.color ? 'c' : ''}${opts.unicode ? 'u' : ''}`;
  let theme = themes.get(key);
  if (!theme) {
    theme = createTheme(opts.color, opts.unicode);
    themes.set(key, theme);
  }
  return theme;
}

function createTheme(color: boolean, unicode: boolean): Theme {
  const c = color ? colorChalk : plainChalk;
  return {
    chalk: c,
    color,
    unicode,
    style: {
      h1: c.bold.magenta,
      h2: c.bold.cyan,
      h3: c.bold.cyan,
      h4: c.bold,
      rule: c.dim,
      strong: c.bold,
      em: c.italic,
      del: c.strikethrough,
      // Without colour, backticks are the plain-text convention for code.
      codespan: color ? c.yellow : (text) => `\`${text}\``,
      link: c.blue.underline,
      url: c.blue,
      dim: c.dim,
      bullet: c.cyan,
      accent: c.cyan,
      title: c.bold,
    },
    symbol: unicode
      ? {
          bullets: ['•', '◦', '▪'],
          rule: '─',
          heavyRule: '━',
          dot: '·',
          ellipsis: '…',
          arrow: '→',
          play: '▶',
          image: '🖼',
          check: '✔',
          cross: '✖',
          skip: '↷',
          taskDone: '☑',
          taskOpen: '☐',
          continuation: '↪',
          disclosure: '▸',
        }
      : {
          bullets: ['*', '-', '+'],
          rule: '-',
          heavyRule: '=',
          dot: '-',
          ellipsis: '...',
          arrow: '->',
          play: '>',
          image: 'image:',
          check: '+',
          cross: 'x',
          skip: '>>',
          taskDone: '[x]',
          taskOpen: '[ ]',
          continuation: '>',
          disclosure: '>',
        },
  };
}
