import { createPrompt, isDownKey, isEnterKey, isUpKey, makeTheme, useKeypress, usePrefix, useState, type KeypressEvent } from './inquirer.ts';
import { styleText } from 'node:util';
import { wrapAnsi } from './render/text-libs.ts';

/*
 * The menu of every question with options: one key picks an option at once (gum and fzf
 * style), arrows and Enter still work, `?` shows what each key does. Loaded only when a
 * menu is shown (it pulls in @inquirer/core).
 */

/** One option of a keyed menu; `key` is the single character that picks it. */
export interface MenuOption {
  value: string;
  name: string;
  key: string;
  description?: string;
  /** A reason string shows the option dimmed, with the reason, and not selectable. */
  disabled?: string | false;
}

export interface MenuConfig {
  message: string;
  options: MenuOption[];
  default?: string;
  /** Columns to lay the menu out in; lines are wrapped at spaces, never mid-word. */
  width: number;
  /** Where the learner is (chapter, step), shown dim under the options. */
  status?: string;
  color: boolean;
  unicode: boolean;
}

/** Keys for options that have none: 1 to 9, then letters not already taken. */
export function assignKeys<T extends { key?: string | undefined }>(options: T[]): Array<T & { key: string }> {
  const taken = new Set(options.map((o) => o.key).filter((k): k is string => Boolean(k)));
  const spare = [...'123456789abdfghijklmnoptuvwxyz'].filter((k) => !taken.has(k));
  return options.map((o) => ({ ...o, key: o.key ?? spare.shift() ?? '' }));
}

function pressed(key: KeypressEvent): string {
  const sequence = (key as KeypressEvent & { sequence?: string }).sequence;
  if (key.ctrl) return '';
  if (sequence && sequence.length === 1) return sequence.toLowerCase();
  return key.name?.length === 1 ? key.name.toLowerCase() : '';
}

/** The keyed menu prompt: resolves with the picked option's value. */
export const keyedMenu = createPrompt<string, MenuConfig>((config, done) => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const [showHelp, setShowHelp] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const firstEnabled = Math.max(0, config.options.findIndex((o) => !o.disabled));
  const defaultIndex = config.options.findIndex((o) => o.value === config.default && !o.disabled);
  const [active, setActive] = useState(defaultIndex === -1 ? firstEnabled : defaultIndex);
  const prefix = usePrefix({ status, theme });
  const style = (format: Parameters<typeof styleText>[0], text: string) => (config.color ? styleText(format, text) : text);

  const pick = (index: number) => {
    const option = config.options[index];
    if (!option) return;
    if (option.disabled) {
      setActive(index);
      setNotice(`Not available: ${option.disabled}`);
      return;
    }
    setActive(index);
    setStatus('done');
    done(option.value);
  };

  useKeypress((key) => {
    setNotice(undefined);
    if (isEnterKey(key)) return pick(active);
    if (isUpKey(key) || isDownKey(key)) {
      const step = isUpKey(key) ? -1 : 1;
      const next = active + step;
      if (next >= 0 && next < config.options.length) setActive(next);
      return;
    }
    const typed = pressed(key);
    if (!typed) return;
    if (typed === '?') return setShowHelp(!showHelp);
    const index = config.options.findIndex((o) => o.key === typed);
    if (index !== -1) return pick(index);
    setNotice(`No option on "${typed}": press ? to see the keys`);
  });

  const width = Math.max(20, config.width);
  const wrap = (text: string, indent: number) =>
    wrapAnsi(text, Math.max(10, width - indent), { hard: false, trim: false, wordWrap: true })
      .split('\n')
      .map((line, i) => (i === 0 ? line : ' '.repeat(indent) + line))
      .join('\n');
  const message = wrap(`${prefix} ${style('bold', config.message)}`, 2);
  const chosen = config.options[active];
  if (status === 'done') return `${message} ${style('cyan', chosen?.name ?? '')}`;

  const lines = config.options.map((option, index) => {
    const cursor = index === active ? (config.unicode ? '❯' : '>') : ' ';
    const key = option.key ? `${option.key}` : ' ';
    const label = option.disabled ? `${option.name} (${option.disabled})` : option.name;
    const text = wrap(`${cursor} ${style('bold', key)}  ${label}`, 5);
    if (option.disabled) return style('dim', text);
    return index === active ? style('cyan', text) : text;
  });
  const below: string[] = [];
  if (chosen?.description) below.push(style('dim', wrap(chosen.description, 0)));
  if (notice) below.push(style('yellow', wrap(notice, 0)));
  if (config.status) below.push(style('dim', wrap(config.status, 0)));
  if (showHelp) {
    const arrows = config.unicode ? '↑ ↓' : 'up/down';
    const help = [
      'The key before an option picks it at once.',
      `${arrows} move the marker; Enter picks the marked option.`,
      ...config.options.filter((o) => o.description).map((o) => `${o.key}: ${o.description}`),
      '? hides this help; Ctrl-C stops (your progress is saved).',
    ];
    below.push(help.map((line) => wrap(line, 2)).join('\n'));
  } else {
    const arrows = config.unicode ? '↑↓' : 'arrows';
    below.push(style('dim', wrap(`press a key to pick, or ${arrows} and Enter; ? help`, 0)));
  }
  return `${message}\n${lines.join('\n')}\n${below.join('\n')}`;
});
