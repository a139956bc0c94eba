// The guard every byte passes on its way to the terminal, and the sanitiser for outside text.
import { describe, expect, it } from 'vitest';
import { createTerminalGuard } from '../../src/render/guard.ts';
import { safeText } from '../../src/render/text.ts';
import { sanitize, showControls } from '../../src/render/sanitize.ts';

const ESC = '\u001B';
const BEL = '\u0007';
/** What a hostile journey, progress file or cluster can try to send to the learner's terminal. */
export const attacks = {
  clipboard: `${ESC}]52;c;ZWNobyBwd25lZA==${BEL}`,
  title: `${ESC}]0;pwned${ESC}\\`,
  clear: `${ESC}[2J${ESC}[3J${ESC}[H`,
  csi8bit: '\u009B2J',
  osc8bit: '\u009D0;pwned\u009C',
  query: `${ESC}[6n${ESC}[>c${ESC}[21t`,
  dcs: `${ESC}P$q"p${ESC}\\`,
  bidi: '\u202Eevil\u202C\u2066x\u2069',
  invisible: '\u200Bzero\u2060\uFEFF\u{E0041}',
  openLink: `${ESC}]8;;https://evil.example${BEL}click`,
};
const hostile = Object.values(attacks).join(' ');
/** Anything that starts an escape or control sequence, or reorders text. */
export const RAW_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/u;

describe('the terminal guard', () => {
  const filter = (...chunks: string[]) => {
    const guard = createTerminalGuard();
    return chunks.map((chunk) => guard.filter(chunk)).join('');
  };

  it('drops clipboard writes, titles, queries, DCS strings, 8-bit controls, bidi overrides and invisible characters', () => {
    const out = filter(`before ${attacks.clipboard}${attacks.title}${attacks.query}${attacks.dcs}${attacks.csi8bit}${attacks.osc8bit}${attacks.bidi}${attacks.invisible} after`);
    expect(out).not.toMatch(/\u001B\]52|\u001B\]0|\u001B\[6n|\u001B\[>c|\u001B\[21t|\u001BP/);
    expect(out).not.toMatch(/[\u0080-\u009F\u202E\u2066\u200B\uFEFF]/u);
    expect(out.startsWith('before ')).toBe(true);
    expect(out.endsWith(' after')).toBe(true);
  });

  it('keeps what hero-journey, its prompts and its pager write: colours, links, cursor moves, erasing, cursor visibility, the alternate screen, \\r', () => {
    const own = `${ESC}[1m${ESC}[38;5;199mbold${ESC}[22;39m ${ESC}]8;;https://kubernetes.io${BEL}docs${ESC}]8;;${BEL} ${ESC}[2K${ESC}[1A${ESC}[G${ESC}[3;5H${ESC}[?25l${ESC}[?25h${ESC}[?1049h${ESC}[?1049l\r\tok\n`;
    expect(filter(own)).toBe(own);
  });

  it('judges a sequence split across writes as a whole', () => {
    const guard = createTerminalGuard();
    expect(guard.filter(`a${ESC}]5`)).toBe('a');
    expect(guard.filter(`2;c;cHduZWQ=${BEL}b`)).toBe('b');
    expect(guard.filter(`${ESC}[3`)).toBe('');
    expect(guard.filter(`1mred`)).toBe(`${ESC}[31mred`);
  });

  it('never leaves a link open after the write that opened it', () => {
    expect(filter(attacks.openLink)).toBe(`${ESC}]8;;https://evil.example${BEL}click${ESC}]8;;${BEL}`);
  });

  it('stays linear on a megabyte of escape characters', () => {
    const out = filter(`${ESC}]`.repeat(500_000) + ESC.repeat(500_000));
    expect(out).toBe(']'.repeat(500_000));
  });
});

describe('the sanitiser for outside text', () => {
  it('leaves nothing of an escape sequence or a reordering character that a terminal would act on', () => {
    expect(sanitize(hostile)).not.toMatch(RAW_CONTROL);
    expect(safeText(hostile, true)).not.toMatch(/\u001B\](?!8;)|\u001B\[(?![\d;]*m)|[\u0080-\u009F\u202E]/u);
  });

  it('closes a link that outside text left open', () => {
    expect(safeText(attacks.openLink, true)).toBe(`${ESC}]8;;https://evil.example${BEL}click${ESC}]8;;${BEL}`);
  });

  it('shows the controls in code the learner is about to run instead of hiding them', () => {
    expect(showControls(`printf '${ESC}]52;c;eA==${BEL}'\u202E`)).toBe("printf '␛]52;c;eA==\\x07'<U+202E>");
  });
});
