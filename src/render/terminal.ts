/**
 * What the terminal we write to can show. Detected once at the edge (the CLI) and
 * passed to every render function, so rendering itself never looks at the environment.
 */
export interface TerminalOptions {
  /** Columns to lay text out in, already clamped to a readable range. */
  width: number;
  /** ANSI colours and text styles (bold, dim, underline). Off means no escape codes at all. */
  color: boolean;
  /** OSC 8 clickable links; off means links are written as `text (url)`. */
  hyperlinks: boolean;
  /** Box drawing, bullets and symbols from Unicode; off means ASCII only (`+-|`, `*`). */
  unicode: boolean;
}

/** The stream facts detection needs; `process.stdout` fits. */
export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
}

/** Narrower than this and boxes and tables stop making sense. */
export const MIN_WIDTH = 40;
/** Wider than this and prose gets hard to read, so lines stop growing. */
export const MAX_WIDTH = 100;
/** Used when nothing says how wide the output is (a pipe, a file). */
export const DEFAULT_WIDTH = 80;

/** Options for output that must be plain: files, logs, snapshots. */
export function plainTerminal(width: number = DEFAULT_WIDTH): TerminalOptions {
  return { width: clampWidth(width), color: false, hyperlinks: false, unicode: true };
}

/**
 * Decide how to render for a stream, following the usual conventions:
 * `FORCE_COLOR` (0/false off, anything else on) wins, then `NO_COLOR` (non-empty) turns
 * colour off, `TERM=dumb` and non-TTY streams get no colour; hyperlinks follow the rules
 * of supports-hyperlinks (read from `env`, so they can be tested) and `FORCE_HYPERLINK`;
 * Unicode is off on `TERM=dumb`, the Linux console, and C/POSIX or non-UTF-8 locales.
 */
export function detectTerminal(
  env: NodeJS.ProcessEnv,
  stream: TerminalStream,
  platform: NodeJS.Platform = process.platform,
): TerminalOptions {
  const tty = stream.isTTY === true;
  const dumb = env['TERM'] === 'dumb';
  const color = detectColor(env, tty, dumb);
  return {
    width: detectWidth(env, stream),
    color,
    hyperlinks: detectHyperlinks(env, tty, color, platform),
    unicode: detectUnicode(env, dumb, platform),
  };
}

function detectColor(env: NodeJS.ProcessEnv, tty: boolean, dumb: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    // As in supports-color: an empty value or `true` forces colour, `0`/`false` forbids it.
    return !(force === '0' || force.toLowerCase() === 'false');
  }
  if (env['NO_COLOR']) return false;
  if (dumb || !tty) return false;
  return true;
}

function detectWidth(env: NodeJS.ProcessEnv, stream: TerminalStream): number {
  const fromStream = stream.columns;
  if (fromStream !== undefined && Number.isFinite(fromStream) && fromStream > 0) {
    return clampWidth(fromStream);
  }
  const fromEnv = Number.parseInt(env['COLUMNS'] ?? '', 10);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return clampWidth(fromEnv);
  return DEFAULT_WIDTH;
}

/** Keep a column count inside the readable range. */
export function clampWidth(columns: number): number {
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.floor(columns)));
}

/**
 * The terminal rules of supports-hyperlinks 4.x, reading the `env` given instead of
 * `process.env` (that package also reads argv and evaluates at import time).
 */
function detectHyperlinks(
  env: NodeJS.ProcessEnv,
  tty: boolean,
  color: boolean,
  platform: NodeJS.Platform,
): boolean {
  const force = env['FORCE_HYPERLINK'];
  if (force !== undefined) {
    return !(force.length > 0 && Number.parseInt(force, 10) === 0);
  }
  // Without colour the user asked for plain output, and a pipe cannot click.
  if (!color || !tty) return false;
  if ('WT_SESSION' in env) return true;
  if (platform === 'win32') return false;
  if (env['CI'] || env['TEAMCITY_VERSION']) return false;

  const program = env['TERM_PROGRAM'];
  if (program) {
    const version = parseVersion(env['TERM_PROGRAM_VERSION']);
    switch (program) {
      case 'iTerm.app':
        return version.major === 3 ? version.minor >= 1 : version.major > 3;
      case 'WezTerm': {
        const raw = env['TERM_PROGRAM_VERSION'] ?? '';
        const nix = /^0-unstable-(\d{4}-\d{2}-\d{2})$/.exec(raw);
        if (nix?.[1]) return nix[1] >= '2020-06-20';
        return version.major >= 20200620;
      }
      case 'vscode':
        if (env['CURSOR_TRACE_ID']) return true;
        return version.major > 1 || (version.major === 1 && version.minor >= 72);
      case 'ghostty':
      case 'zed':
      case 'Orca':
      case 'WarpTerminal':
        return true;
      default:
        break;
    }
  }

  const vte = env['VTE_VERSION'];
  if (vte) {
    // 0.50.0 announced hyperlinks but crashes on them.
    if (vte === '0.50.0') return false;
    const version = parseVersion(vte);
    return version.major > 0 || version.minor >= 50;
  }

  return env['TERM'] === 'alacritty' || env['TERM'] === 'xterm-kitty';
}

function parseVersion(text = ''): { major: number; minor: number } {
  // VTE writes 0.50.1 as 5001.
  const compact = /^(\d{1,2})(\d{2})$/.exec(text);
  if (compact) return { major: 0, minor: Number(compact[1]) };
  const [major = 0, minor = 0] = text.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return { major, minor };
}

function detectUnicode(env: NodeJS.ProcessEnv, dumb: boolean, platform: NodeJS.Platform): boolean {
  if (dumb) return false;
  if (platform === 'win32') {
    // The Windows consoles that render box drawing reliably (as is-unicode-supported lists them).
    return (
      Boolean(env['WT_SESSION']) ||
      env['TERM_PROGRAM'] === 'vscode' ||
      env['TERM'] === 'xterm-256color' ||
      env['TERM'] === 'alacritty' ||
      env['TERMINAL_EMULATOR'] === 'JetBrains-JediTerm'
    );
  }
  // The Linux virtual console's font lacks most symbols we use.
  if (env['TERM'] === 'linux') return false;
  // The first of these that is set decides the character set, as for every C program.
  const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'];
  if (!locale) return true;
  return /utf-?8/i.test(locale);
}
