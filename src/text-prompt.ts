import { createPrompt, isBackspaceKey, isEnterKey, isTabKey, makeTheme, useKeypress, usePrefix, useState } from './inquirer.ts';
import { styleText } from 'node:util';

/*
 * The question with a typed answer: @inquirer/prompts' input (Enter keeps the value shown, Tab
 * puts it on the line to edit, Backspace on an empty line drops it), plus a help line under the
 * question (what else may be typed there) and a way to show the typed text otherwise than typed
 * (a secret in `:set TOKEN=...` as dots). Loaded only when a question is asked.
 */

export interface TextPromptConfig {
  message: string;
  default?: string;
  validate?: (value: string) => string | true;
  /** One dim line under the question while it is open. */
  help?: string;
  /** How the typed text is shown, on the line and in the answer left on screen; keeps its length (the cursor is placed by it). */
  display?: (typed: string) => string;
  color: boolean;
}

/** The text prompt: resolves with the answer (the typed text, or the value shown when nothing was typed). */
export const textPrompt = createPrompt<string, TextPromptConfig>((config, done) => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const [shownDefault, setShownDefault] = useState(config.default ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [value, setValue] = useState('');
  const prefix = usePrefix({ status, theme });
  const style = (format: Parameters<typeof styleText>[0], text: string) => (config.color ? styleText(format, text) : text);
  const display = config.display ?? ((typed: string) => typed);

  useKeypress((key, rl) => {
    if (status !== 'idle') return;
    if (isEnterKey(key)) {
      const answer = value || shownDefault;
      const verdict = config.validate?.(answer) ?? true;
      if (verdict === true) {
        setValue(answer);
        setStatus('done');
        done(answer);
      } else {
        // Readline emptied its line on Enter: put the text back to be corrected.
        rl.write(value);
        setError(verdict || 'not a valid answer');
      }
    } else if (isBackspaceKey(key) && !value) {
      setShownDefault('');
    } else if (isTabKey(key) && !value) {
      setShownDefault('');
      rl.clearLine(0);
      rl.write(shownDefault);
      setValue(shownDefault);
    } else {
      setValue(rl.line);
      setError(undefined);
    }
  });

  const message = style('bold', config.message);
  if (status === 'done') return `${prefix} ${message} ${style('cyan', display(value))}`;
  const shown = shownDefault && !value ? ` ${style('dim', `(${shownDefault})`)}` : '';
  const below = [error ? style('red', `> ${error}`) : '', config.help ? style('dim', config.help) : ''].filter(Boolean).join('\n');
  return [`${prefix} ${message}${shown} ${display(value)}`, below];
});
