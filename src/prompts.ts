import { PromptInterrupted, UserError, ExitCode } from './errors.ts';
import type { CommandIO } from './commands/io.ts';
import { wrapText } from './render/text.ts';

/** One option of a choice prompt. */
export interface PromptOption<T extends string> {
  value: T;
  name: string;
  description?: string;
  /** A reason string shows the option greyed out and not selectable. */
  disabled?: string | false;
  /** The one key that picks it (r run, s skip, q quit...); options without one get 1 to 9. */
  key?: string;
}

/** How a question with a typed answer is asked. */
export interface TextOptions {
  default?: string;
  secret?: boolean;
  validate?: (value: string) => string | true;
  /** A line under the question saying what else may be typed there (a terminal only; not for secrets). */
  help?: string;
  /** How the typed text is shown, keeping its length (not for secrets, which are always masked). */
  display?: (typed: string) => string;
}

/** The questions the play loop asks; the interactive answerer uses inquirer, the scripted one flags. */
export interface Asker {
  readonly interactive: boolean;
  /** `status` says where the learner is (shown under the options in a terminal). */
  select<T extends string>(message: string, choices: PromptOption<T>[], defaultValue?: T, status?: string): Promise<T>;
  text(message: string, options: TextOptions): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/**
 * Run one prompt, watching the keys it reads: a Ctrl-C that came in the same read as the
 * answer (typed right after Enter) is swallowed by the prompt, which has already answered.
 * Then the answer is dropped and the learner is let out, instead of starting what they just
 * tried to stop.
 */
async function watchingCtrlC<T>(input: CommandIO['stdin'], prompt: () => Promise<T>): Promise<T> {
  let interrupted = false;
  const onData = (data: Buffer | string) => {
    if (String(data).includes('\u0003')) interrupted = true;
  };
  input.on('data', onData);
  try {
    const answer = await prompt();
    if (interrupted) throw new PromptInterrupted();
    return answer;
  } catch (error) {
    // The signal the asker was given aborted (a Ctrl-C that came while no prompt was open).
    if (error instanceof Error && error.name === 'AbortPromptError') throw new PromptInterrupted();
    throw error;
  } finally {
    input.off('data', onData);
  }
}

/**
 * Prompts in the terminal with @inquirer/prompts (loaded on first use). Once `signal` aborts, no
 * question is asked any more and an open one is closed: a Ctrl-C that came while nothing read the
 * keys (a page being drawn, a prompt still loading) lets the learner out instead of being lost.
 * `questionShown` is called once each question is on screen, for work that may wait until then.
 */
export function interactiveAsker(
  io: CommandIO,
  signal?: AbortSignal,
  look: { color: boolean; unicode: boolean } = { color: false, unicode: true },
  questionShown?: () => void,
): Asker {
  const context = { input: io.stdin, output: io.stdout, clearPromptOnDone: false, ...(signal ? { signal } : {}) } as const;
  const guarded = <T>(prompt: () => Promise<T>) =>
    watchingCtrlC(io.stdin, () => {
      const answer = prompt();
      // Inquirer draws a question in a terminal on the next turn of the event loop (setImmediate): this one runs after it.
      if (questionShown) setImmediate(questionShown);
      return answer;
    });
  const columns = () => (io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : 80);
  // Inquirer breaks a line that is too long at the last column, mid-word: wrap at spaces first.
  const fit = (message: string) => wrapText(message, columns() - 3);
  return {
    interactive: true,
    async select(message, choices, defaultValue, status) {
      const { keyedMenu, assignKeys } = await import('./menu.ts');
      const picked = await guarded(() => keyedMenu(
        {
          message,
          options: assignKeys(choices).map((c) => ({
            value: c.value,
            name: c.name,
            key: c.key,
            ...(c.description ? { description: c.description } : {}),
            ...(c.disabled ? { disabled: c.disabled } : {}),
          })),
          ...(defaultValue ? { default: defaultValue } : {}),
          ...(status ? { status } : {}),
          width: columns() - 1,
          color: look.color,
          unicode: look.unicode,
        },
        context as never,
      ));
      return picked as (typeof choices)[number]['value'];
    },
    async text(rawMessage, options) {
      const message = fit(rawMessage);
      if (options.secret) {
        const { password } = await import('@inquirer/prompts');
        return guarded(() => password({ message, mask: '•', ...(options.validate ? { validate: options.validate } : {}) }, context as never));
      }
      const { textPrompt } = await import('./text-prompt.ts');
      return guarded(() =>
        textPrompt(
          {
            message,
            ...(options.default !== undefined ? { default: options.default } : {}),
            ...(options.validate ? { validate: options.validate } : {}),
            ...(options.help ? { help: fit(options.help) } : {}),
            ...(options.display ? { display: options.display } : {}),
            color: look.color,
          },
          context as never,
        ),
      );
    },
    async confirm(message, defaultValue) {
      const { confirm } = await import('@inquirer/prompts');
      const wrapped = fit(message);
      return guarded(() => confirm({ message: wrapped, default: defaultValue }, context as never));
    },
  };
}

/**
 * Never prompts (no TTY, or --yes): takes defaults, and fails with the flag to pass where an
 * answer has no default.
 */
export function scriptedAsker(): Asker {
  return {
    interactive: false,
    async select(message, choices, defaultValue) {
      if (defaultValue) return defaultValue;
      throw new UserError(`no answer for "${message}" and no terminal to ask in`, { exitCode: ExitCode.usage });
    },
    async text(message, options) {
      if (options.default !== undefined) {
        const verdict = options.validate?.(options.default) ?? true;
        if (verdict === true) return options.default;
        throw new UserError(`the default answer to "${message}" is not valid: ${verdict}`, { exitCode: ExitCode.usage });
      }
      throw new UserError(`no answer for "${message}" and no terminal to ask in`, { exitCode: ExitCode.usage });
    },
    async confirm(_message, defaultValue) {
      return defaultValue;
    },
  };
}
