// Variables the learner gives by hand during play: those a step they skipped would have
// exported (they did it themselves), and any variable at a menu ("set a variable").
import type { InputSpec, Journey, Step } from '../journey/model.ts';
import type { Asker } from '../prompts.ts';
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
}

/** The input that declares `name` anywhere in the journey (its validation applies), if any. */
function declaredInput(journey: Journey, name: string): InputSpec | undefined {
  return journey.inputs.find((i) => i.name === name) ?? [...journey.chapters.values()].flatMap((c) => c.inputs).find((i) => i.name === name);
}

/** Ask for one variable's value, prefilled from saved progress or the environment; saves it into progress. */
async function askValue(context: VariableAsking, name: string, chapter: string | undefined): Promise<void> {
  const saved = Object.hasOwn(context.progress.vars, name) ? context.progress.vars[name] : undefined;
  const input = declaredInput(context.journey, name);
  const secret = Boolean(saved?.secret || input?.secret) || nameLooksSecret(name);
  const known = saved?.value ?? (Object.hasOwn(context.env, name) ? context.env[name] : undefined);
  const validate = (value: string) => (input ? validateInput(input, value) : value.trim() === '' ? `${name} cannot be empty` : true);
  let value: string;
  if (secret && known !== undefined && validate(known) === true && (await context.asker.confirm(`Use the ${name} you ${saved ? 'gave before' : 'have in your environment'}?`, true))) {
    value = known;
  } else {
    value = await context.asker.text(`${name}:`, { ...(known !== undefined && !secret ? { default: known } : {}), secret, validate });
  }
  context.progress.vars[name] = { value, source: 'input', ...(chapter ? { chapter } : {}), secret, at: context.at() };
  context.write(renderStatusLine('info', `${name} = ${secret ? '••••••' : value}`, context.terminal));
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
  for (const name of names) await askValue(context, name, chapter);
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
export const SET_VARIABLE_OPTION = { value: 'set-variable', name: 'Set a variable (for the steps and checks from here on)', key: 'v' } as const;
