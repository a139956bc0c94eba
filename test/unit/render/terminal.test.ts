import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { clampWidth, detectTerminal, plainTerminal } from '../../../src/render/terminal.ts';

const tty = { isTTY: true, columns: 80 };
const pipe = { isTTY: false };
const utf8 = { LANG: 'en_US.UTF-8', TERM: 'xterm-256color' };

describe('detectTerminal: colour', () => {
  test.each([
    ['a terminal', utf8, tty, true],
    ['a pipe', utf8, pipe, false],
    ['NO_COLOR', { ...utf8, NO_COLOR: '1' }, tty, false],
    ['NO_COLOR empty is ignored', { ...utf8, NO_COLOR: '' }, tty, true],
    ['TERM=dumb', { ...utf8, TERM: 'dumb' }, tty, false],
    ['FORCE_COLOR=1 on a pipe', { ...utf8, FORCE_COLOR: '1' }, pipe, true],
    ['FORCE_COLOR=3 on a pipe', { ...utf8, FORCE_COLOR: '3' }, pipe, true],
    ['FORCE_COLOR empty on a pipe', { ...utf8, FORCE_COLOR: '' }, pipe, true],
    ['FORCE_COLOR=0 on a terminal', { ...utf8, FORCE_COLOR: '0' }, tty, false],
    ['FORCE_COLOR=false on a terminal', { ...utf8, FORCE_COLOR: 'false' }, tty, false],
    ['FORCE_COLOR beats NO_COLOR', { ...utf8, FORCE_COLOR: '1', NO_COLOR: '1' }, tty, true],
    ['FORCE_COLOR beats TERM=dumb', { ...utf8, FORCE_COLOR: '1', TERM: 'dumb' }, tty, true],
  ])('%s', (_, env, stream, color) => {
    expect(detectTerminal(env, stream, 'linux').color).toBe(color);
  });
});

describe('detectTerminal: hyperlinks', () => {
  test.each([
    ['plain xterm', utf8, tty, false],
    ['iTerm 3.1', { ...utf8, TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.1.0' }, tty, true],
    ['iTerm 3.0', { ...utf8, TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.0.9' }, tty, false],
    ['VS Code 1.72', { ...utf8, TERM_PROGRAM: 'vscode', TERM_PROGRAM_VERSION: '1.72.0' }, tty, true],
    ['VS Code 1.71', { ...utf8, TERM_PROGRAM: 'vscode', TERM_PROGRAM_VERSION: '1.71.2' }, tty, false],
    ['WezTerm', { ...utf8, TERM_PROGRAM: 'WezTerm', TERM_PROGRAM_VERSION: '20240203-110809-5046fc22' }, tty, true],
    ['ghostty', { ...utf8, TERM_PROGRAM: 'ghostty' }, tty, true],
    ['VTE 0.50.1 (5001)', { ...utf8, VTE_VERSION: '5001' }, tty, true],
    ['VTE 0.50.0 crashes', { ...utf8, VTE_VERSION: '0.50.0' }, tty, false],
    ['VTE 0.46', { ...utf8, VTE_VERSION: '4601' }, tty, false],
    ['kitty', { ...utf8, TERM: 'xterm-kitty' }, tty, true],
    ['Windows Terminal', { ...utf8, WT_SESSION: 'x' }, tty, true],
    ['a capable terminal in CI', { ...utf8, TERM: 'xterm-kitty', CI: 'true' }, tty, false],
    ['a capable terminal, but a pipe', { ...utf8, TERM_PROGRAM: 'ghostty' }, pipe, false],
    ['a capable terminal with NO_COLOR', { ...utf8, TERM_PROGRAM: 'ghostty', NO_COLOR: '1' }, tty, false],
    ['FORCE_HYPERLINK=1 on a pipe', { ...utf8, FORCE_HYPERLINK: '1' }, pipe, true],
    ['FORCE_HYPERLINK=0 in kitty', { ...utf8, TERM: 'xterm-kitty', FORCE_HYPERLINK: '0' }, tty, false],
  ])('%s', (_, env, stream, hyperlinks) => {
    expect(detectTerminal(env, stream, 'linux').hyperlinks).toBe(hyperlinks);
  });
});

describe('detectTerminal: unicode', () => {
  test.each([
    ['UTF-8 locale', { LANG: 'en_US.UTF-8' }, true],
    ['utf8 spelled without dash', { LANG: 'de_DE.utf8' }, true],
    ['no locale at all', {}, true],
    ['LANG=C', { LANG: 'C' }, false],
    ['LANG=POSIX', { LANG: 'POSIX' }, false],
    ['C.UTF-8', { LANG: 'C.UTF-8' }, true],
    ['LC_ALL=C wins over a UTF-8 LANG', { LANG: 'en_US.UTF-8', LC_ALL: 'C' }, false],
    ['LC_ALL UTF-8 wins over LANG=C', { LANG: 'C', LC_ALL: 'en_US.UTF-8' }, true],
    ['a Latin-1 locale', { LANG: 'en_US.ISO-8859-1' }, false],
    ['TERM=dumb', { LANG: 'en_US.UTF-8', TERM: 'dumb' }, false],
    ['the Linux console', { LANG: 'en_US.UTF-8', TERM: 'linux' }, false],
  ])('%s', (_, env, unicode) => {
    expect(detectTerminal(env, tty, 'linux').unicode).toBe(unicode);
  });

  test('Windows: only consoles known to draw boxes', () => {
    expect(detectTerminal({}, tty, 'win32').unicode).toBe(false);
    expect(detectTerminal({ WT_SESSION: '1' }, tty, 'win32').unicode).toBe(true);
  });
});

describe('detectTerminal: width', () => {
  test.each([
    ['the stream columns', {}, { isTTY: true, columns: 72 }, 72],
    ['clamped to a readable maximum', {}, { isTTY: true, columns: 240 }, 100],
    ['clamped to a minimum', {}, { isTTY: true, columns: 20 }, 40],
    ['COLUMNS when the stream has none', { COLUMNS: '60' }, pipe, 60],
    ['80 when nothing says', {}, pipe, 80],
    ['80 when COLUMNS is nonsense', { COLUMNS: 'wide' }, pipe, 80],
  ])('%s', (_, env, stream, width) => {
    expect(detectTerminal(env, stream, 'linux').width).toBe(width);
  });
});

test('plainTerminal has no colour and no links', () => {
  expect(plainTerminal()).toEqual({ width: 80, color: false, hyperlinks: false, unicode: true });
  expect(clampWidth(39.5)).toBe(40);
});

describe('tables use the whole terminal', () => {
  test('a 120-column terminal gives verify\'s grid 120 columns, prose stays at 100', async () => {
    const { tableTerminalFor, terminalFor } = await import('../../../src/commands/terminal.ts');
    const io = { env: {}, stdout: Object.assign(new PassThrough(), { isTTY: true, columns: 120 }) };
    expect(terminalFor({}, io).width).toBe(100);
    expect(tableTerminalFor({}, io).width).toBe(120);
    expect(tableTerminalFor({}, { env: { COLUMNS: '150' }, stdout: new PassThrough() }).width).toBe(150);
    expect(tableTerminalFor({}, { env: {}, stdout: new PassThrough() }).width).toBe(80);
  });
});
