// The learner's classroom settings from `$XDG_CONFIG_HOME/hero-journey/config.yaml`:
//
//   sync: false             # keep progress on this machine only (same as --no-sync)
//   attendee: Alice         # the name the instructor's dashboard shows for you
//   syncNamespace: team-07  # where the progress ConfigMap goes (default: hero-journey)
//
// Other keys belong to other parts of hero-journey and are left alone here.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { MIRROR_NAMESPACE } from './mirror.ts';

export interface ClassroomConfig {
  sync: boolean;
  attendee?: string;
  namespace: string;
  /** The file read, when there was one. */
  file?: string;
}

/** `$XDG_CONFIG_HOME/hero-journey/config.yaml`, default `~/.config/hero-journey/config.yaml`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'hero-journey', 'config.yaml');
}

/** Read the classroom settings; a missing file means the defaults. Reports every problem at once. */
export async function readClassroomConfig(env: NodeJS.ProcessEnv): Promise<ClassroomConfig> {
  const file = configPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return withEnv({ sync: true, namespace: MIRROR_NAMESPACE }, env);
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`, { hint: 'fix its permissions, or remove it to use the defaults' });
  }
  return withEnv({ ...(await parseClassroomConfig(text, file)), file }, env);
}

/** Parse the classroom keys of a config file's text. Throws a UserError listing every problem. */
export async function parseClassroomConfig(text: string, file: string): Promise<ClassroomConfig> {
  // The YAML parser loads only when there is a file: play reads this at every start, and most have none.
  const { parse: parseYaml } = await import('../yaml.ts');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new UserError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { hint: 'fix the file, or remove it to use the defaults' });
  }
  const config: ClassroomConfig = { sync: true, namespace: MIRROR_NAMESPACE };
  if (data === null || data === undefined) return config;
  if (typeof data !== 'object' || Array.isArray(data)) throw new UserError(`${file} must be a YAML map of settings`, { hint: 'for example: sync: false' });
  const root = data as Record<string, unknown>;
  const problems: string[] = [];
  if (root.sync !== undefined) {
    if (typeof root.sync === 'boolean') config.sync = root.sync;
    else problems.push(`"sync" must be true or false, not ${JSON.stringify(root.sync)}`);
  }
  if (root.attendee !== undefined) {
    if (typeof root.attendee === 'string' && root.attendee.trim() && root.attendee.length <= 80) config.attendee = root.attendee.trim();
    else problems.push('"attendee" must be a name of at most 80 characters');
  }
  if (root.syncNamespace !== undefined) {
    if (typeof root.syncNamespace === 'string' && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(root.syncNamespace)) config.namespace = root.syncNamespace;
    else problems.push('"syncNamespace" must be a Kubernetes namespace name (lowercase letters, digits and "-")');
  }
  if (problems.length > 0) {
    throw new UserError(`${file} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`, {
      hint: 'fix the file, or remove it to use the defaults',
    });
  }
  return config;
}

/** HERO_JOURNEY_SYNC=0 turns sync off for one shell, like the config file's `sync: false`. */
function withEnv(config: ClassroomConfig, env: NodeJS.ProcessEnv): ClassroomConfig {
  const flag = env.HERO_JOURNEY_SYNC;
  if (flag !== undefined && /^(0|false|no|off)$/i.test(flag)) return { ...config, sync: false };
  return config;
}
