import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliOptions } from '../cli/parse.ts';
import { dict } from '../dict.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { Journey } from '../journey/model.ts';
import { closest } from '../journey/text.ts';
import type { PresetAnswers } from '../play/loop.ts';
import { variableNameRefusal } from '../state/variables.ts';

/**
 * The answers given without asking, as play and check take them: an --answers file merged with
 * --choose and --set (flags win). Every --choose must name a choice point of the journey and one
 * of its options, so a typo fails before anything runs instead of being ignored.
 */
export async function presetAnswers(options: CliOptions, cwd: string, journey: Journey): Promise<PresetAnswers> {
  const answers: PresetAnswers = { choices: dict(), inputs: dict() };
  if (options.answers) {
    const file = resolve(cwd, options.answers);
    let data: unknown;
    try {
      // The YAML parser loads only for an answers file: play starts without it.
      const { parse: parseYaml } = await import('../yaml.ts');
      data = parseYaml(await readFile(file, 'utf8'));
    } catch (error) {
      throw new UserError(`cannot read answers file ${file}: ${(error as Error).message}`, {
        hint: 'it must be YAML or JSON with "choices:" (chapter: option) and "inputs:" (NAME: value) maps',
        exitCode: ExitCode.usage,
      });
    }
    const record = (value: unknown, key: string): Record<string, string> => {
      if (value === undefined || value === null) return dict();
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new UserError(`answers file ${file}: "${key}" must be a map`, { exitCode: ExitCode.usage });
      }
      return dict(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])));
    };
    const root = (data ?? {}) as Record<string, unknown>;
    const unknownKeys = Object.keys(root).filter((k) => k !== 'choices' && k !== 'inputs');
    if (unknownKeys.length > 0) {
      throw new UserError(`answers file ${file}: unknown key "${unknownKeys[0]}"`, { hint: 'only "choices:" and "inputs:" are read', exitCode: ExitCode.usage });
    }
    answers.choices = record(root.choices, 'choices');
    const inputs = record(root.inputs, 'inputs');
    for (const name of Object.keys(inputs)) {
      const refusal = variableNameRefusal(name);
      if (refusal) throw new UserError(`answers file ${file}: inputs: ${name} is refused: ${refusal}`, { hint: 'remove it from the file; set it in your own shell if a step needs it', exitCode: ExitCode.usage });
    }
    answers.inputs = inputs;
  }
  const preset = { choices: dict(answers.choices, options.choose), inputs: dict(answers.inputs, options.set) };
  const choicePoints = [...journey.chapters.values()].filter((c) => c.choices.length > 0);
  for (const [id, option] of Object.entries(preset.choices)) {
    const point = choicePoints.find((c) => c.id === id);
    if (!point) {
      const guess = closest(id, choicePoints.map((c) => c.id));
      throw new UserError(`--choose ${id}=...: "${id}" is not a choice point of ${journey.title}`, {
        hint: guess ? `did you mean --choose ${guess}=...? ("hero-journey map" lists them)` : `its choice points are: ${choicePoints.map((c) => c.id).join(', ')}`,
        exitCode: ExitCode.usage,
      });
    }
    if (!point.choices.some((c) => c.id === option)) {
      throw new UserError(`--choose ${id}=${option}: "${point.title}" has no option "${option}"`, {
        hint: `its options are: ${point.choices.map((c) => c.id).join(', ')}`,
        exitCode: ExitCode.usage,
      });
    }
  }
  return preset;
}
