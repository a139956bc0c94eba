// Variables the learner gives by hand during play: those a step they skipped would have
// exported (they did it themselves), and any variable at a menu (key v) or at a question
// (typing :set NAME=value).
import type { InputSpec, Journey, Step } from '../journey/model.ts';
import type { Asker, TextOptions } from '../prompts.ts';
import { renderStatusLine } from '../render/chapter.ts';
import { sanitize } from '../render/sanitize.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { nameLooksSecret, type Progress } from '../state/progress.ts';
import { isVariableName, variableNameRefusal } from '../state/variables.ts';
import { validateInput } from './inputs.ts';

/** What asking for variables needs from the play loop. */
export interface VariableAsking {
  journey: Journey;
  progress: Progress;
  asker: Asker;
  terminal: TerminalOptions;
  write: (text: string) => void;
  /** The learner's own environment, where a variable may already be set (prefills the answer). */
  env: Record<string, string | undefined>;
  at: () => string;
  /** Saves progress (a variable set by hand is kept at once). */
  save: () => Promise<void>;
}

/** The input that declares `name` anywhere in the journey (its validation applies), if any. */
function declaredInput(journey: Journey, name: string): InputSpec | undefined {
  return journey.inputs.find((i) => i.name === name) ?? [...journey.chapters.values()].flatMap((c) => c.inputs).find((i) => i.name === name);
}

/** How a variable set by hand is kept: secret or not, and what its value must be. */
function variableRules(context: VariableAsking, name: string): { secret: boolean; validate: (value: string) => string | true } {
  const saved = Object.hasOwn(context.progress.vars, name) ? context.progress.vars[name] : undefined;
  const input = declaredInput(context.journey, name);
  return {
    secret: Boolean(saved?.secret || input?.secret) || nameLooksSecret(name),
    validate: (value: string) => (input ? validateInput(input, value) : value.trim() === '' ? `${name} cannot be empty` : true),
  };
}

/** Keep a variable the learner gave by hand, say so (a secret as dots) and save. */
async function keepValue(context: VariableAsking, name: string, value: string, secret: boolean, chapter: string | undefined): Promise<void> {
  context.progress.vars[name] = { value, source: 'input', ...(chapter ? { chapter } : {}), secret, at: context.at() };
  context.write(renderStatusLine('info', `${name} = ${secret ? '••••••' : sanitize(value)}`, context.terminal));
  await context.save();
}

/** Ask for one variable's value, prefilled from saved progress or the environment; saves it into progress. */
async function askValue(context: VariableAsking, name: string, chapter: string | undefined, settable = false): Promise<void> {
  const saved = Object.hasOwn(context.progress.vars, name) ? context.progress.vars[name] : undefined;
  const { secret, validate } = variableRules(context, name);
  const known = saved?.value ?? (Object.hasOwn(context.env, name) ? context.env[name] : undefined);
  let value: string;
  if (secret && known !== undefined && validate(known) === true && (await context.asker.confirm(`Use the ${name} you ${saved ? 'gave before' : 'have in your environment'}?`, true))) {
    value = known;
  } else {
    const options = { ...(known !== undefined && !secret ? { default: known } : {}), secret, validate };
    value = settable ? await askText(context, chapter, `${name}:`, options) : await context.asker.text(`${name}:`, options);
  }
  await keepValue(context, name, value, secret, chapter);
}

/**
 * The learner skipped a step because they did it themselves: ask for the variables it would
 * have exported, so the steps after it find them. Only in a terminal.
 */
export async function askSkippedExports(context: VariableAsking, chapter: string, step: Step): Promise<void> {
  // PATH, BASH_ENV and the like are never carried between steps, so never asked for either.
  const names = step.exports.filter((name) => variableNameRefusal(name) === undefined);
  if (!context.asker.interactive || names.length === 0) return;
  context.write(
    renderStatusLine(
      'info',
      `This step would have set ${names.join(', ')} for later steps. Give ${names.length === 1 ? 'its value' : 'their values'} from what you did (Enter keeps the value shown).`,
      context.terminal,
    ),
  );
  for (const name of names) await askValue(context, name, chapter, true);
}

/** "Set a variable" at a menu: ask for a name, then its value. */
export async function setVariable(context: VariableAsking, chapter: string | undefined): Promise<void> {
  const name = await context.asker.text('Which variable? (a name such as HOST)', { validate: (value) => nameRefusal(value.trim()) ?? true });
  await askValue(context, name.trim(), chapter);
}

/**
 * Why a variable named `name` may not be set by hand, as the learner sees it; undefined when it may.
 * The same names are refused as for --set: PATH, BASH_ENV, LD_PRELOAD and the like.
 */
function nameRefusal(name: string): string | undefined {
  if (name === '') return 'type a name such as HOST';
  const refusal = variableNameRefusal(name);
  if (!refusal) return undefined;
  return isVariableName(name) ? `${name} is refused: ${refusal} (set it in your shell before starting hero-journey if a step needs it)` : `"${sanitize(name)}" is refused: ${refusal}`;
}

/** The menu option that sets a variable (key v). */
export const SET_VARIABLE_OPTION = {
  value: 'set-variable',
  name: 'Set a variable (for the steps and checks from here on)',
  key: 'v',
  description: 'a name, then its value, as --set NAME=VALUE gives it; a name such as PATH or BASH_ENV is refused, one such as API_TOKEN is asked for hidden',
} as const;

/** Typed at a question instead of its answer: sets a variable first, then the question comes back. */
const SET_COMMAND = /^\s*:set(?:\s+(.*))?$/s;

/** The help line under a question where `:set` works. */
export const SET_COMMAND_HELP = ':set NAME=value sets a variable first (:set NAME asks for its value)';

/**
 * Ask a question with a typed answer where the learner may first set any variable: typing
 * `:set NAME=value` (or `:set NAME`, or `:set`) sets it as the v key does, and asks the question
 * again. Not at a secret question (what is typed there is hidden) nor without a terminal.
 */
export async function askText(context: VariableAsking, chapter: string | undefined, message: string, options: TextOptions): Promise<string> {
  if (!context.asker.interactive || options.secret) return context.asker.text(message, options);
  for (;;) {
    const answer = await context.asker.text(message, {
      ...options,
      validate: (value) => (SET_COMMAND.test(value) ? true : (options.validate?.(value) ?? true)),
      help: SET_COMMAND_HELP,
      display: (typed) => hideSecretValue(context, typed),
    });
    const command = SET_COMMAND.exec(answer);
    if (!command) return answer;
    await setFromCommand(context, chapter, (command[1] ?? '').trim());
  }
}

/** `:set NAME=value` as typed, with the value as dots when NAME is a secret's (as many dots as characters, so the cursor stays put). */
function hideSecretValue(context: VariableAsking, typed: string): string {
  const command = SET_COMMAND.exec(typed);
  const eq = typed.indexOf('=');
  if (!command || eq === -1) return typed;
  const name = typed.slice(0, eq).replace(/^\s*:set\s+/, '').trim();
  return isVariableName(name) && variableRules(context, name).secret ? `${typed.slice(0, eq + 1)}${'•'.repeat(typed.length - eq - 1)}` : typed;
}

/** Carry out `:set` with what followed it: `NAME=value`, `NAME` (asks for the value) or nothing (asks for both). */
async function setFromCommand(context: VariableAsking, chapter: string | undefined, assignment: string): Promise<void> {
  if (assignment === '') return setVariable(context, chapter);
  const eq = assignment.indexOf('=');
  const name = (eq === -1 ? assignment : assignment.slice(0, eq)).trim();
  const refusal = nameRefusal(name);
  if (refusal) {
    context.write(renderStatusLine('failed', `:set ${refusal}`, context.terminal));
    return;
  }
  if (eq === -1) return askValue(context, name, chapter);
  const value = assignment.slice(eq + 1);
  const { secret, validate } = variableRules(context, name);
  const verdict = validate(value);
  if (verdict !== true) {
    context.write(renderStatusLine('failed', `:set ${name}: ${verdict}`, context.terminal));
    return;
  }
  await keepValue(context, name, value, secret, chapter);
}
