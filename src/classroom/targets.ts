// Who the attendees are: kubeconfig files, folders of them, contexts and context patterns.
// Each selected context is one attendee. Kubeconfigs come from attendees, so they are untrusted
// input: one that would run a program on the instructor's machine (an `exec` credential plugin,
// an `auth-provider`) or read one of the instructor's files (a token, certificate or key file
// whose real path leaves the kubeconfig's own folder) is refused unless --allow-exec says the
// instructor trusts it.
// Nothing here prints a token, key or certificate: only file, context and user names.
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { credentialFiles, leavesFolder, mergeKubeconfigs, readKubeconfigFile, type KubeconfigDocument } from '../kube/kubeconfig.ts';
import type { KubeSelection } from '../kube/kubeconfig.ts';

/** One attendee: one context of one kubeconfig. */
export interface Attendee {
  /** Unique key: source and context. */
  id: string;
  /** What the instructor sees: the label, the file name, or the context name. */
  name: string;
  /** The kubeconfig source, for messages (a path or "$KUBECONFIG"). */
  source: string;
  context: string;
  /** How to connect (passed to the read-only client). */
  selection: KubeSelection;
  /** Set when this attendee is not contacted at all, and why. */
  refused?: string;
}

export interface TargetOptions {
  /** Positional targets: `FILE`, `DIR`, or `NAME=FILE`. */
  targets: string[];
  /** Context names or glob patterns (`attendee-*`); each match is an attendee. */
  contexts: string[];
  allowExec: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A kubeconfig source: one file, or the instructor's default kubeconfig (a list of files). */
interface Source {
  label?: string;
  /** Files merged, in order. */
  files: string[];
  /** Shown in messages. */
  shown: string;
  /** Folder members are skipped quietly when they are not kubeconfigs. */
  fromFolder: boolean;
  /** From $KUBECONFIG or ~/.kube/config rather than a named file. */
  isDefault: boolean;
}

const KUBECONFIG_EXTENSIONS = new Set(['.yaml', '.yml', '.kubeconfig', '.conf', '.config', '.json']);

/** Resolve targets to attendees, in a stable order. Throws a UserError when none is left. */
export async function resolveAttendees(options: TargetOptions): Promise<Attendee[]> {
  const sources = await expandSources(options);
  const patterns = options.contexts.map(globToRegExp);
  const attendees: Attendee[] = [];
  const problems: string[] = [];
  const loadedSources = await Promise.all(sources.map(loadSource));
  for (const [index, source] of sources.entries()) {
    const loaded = loadedSources[index]!;
    if ('problem' in loaded) {
      if (!source.fromFolder) problems.push(loaded.problem);
      continue;
    }
    const config = loaded.config;
    const names = config.contexts.map((c) => c.name);
    let selected: string[];
    if (patterns.length > 0) {
      selected = names.filter((name) => patterns.some((p) => p.test(name)));
      if (selected.length === 0 && !source.fromFolder) {
        problems.push(`${source.shown}: no context matches ${options.contexts.map((c) => `"${c}"`).join(', ')} (it has ${names.length > 0 ? names.join(', ') : 'no contexts'})`);
      }
    } else {
      const current = config['current-context'] || (names.length === 1 ? names[0] : undefined);
      if (!current) {
        problems.push(`${source.shown} names no current context${names.length > 0 ? ` (it has ${names.join(', ')}): pass --context NAME or a pattern such as --context '*'` : ' and has no contexts'}`);
        continue;
      }
      selected = [current];
    }
    for (const context of selected) {
      const byContext = patterns.length > 0 || source.isDefault;
      const name = byContext ? context : (source.label ?? fileLabel(source.files[0]!));
      attendees.push({
        id: `${source.shown}#${context}`,
        name: source.label && patterns.length > 0 && selected.length > 1 ? `${source.label}/${context}` : name,
        source: source.shown,
        context,
        selection: source.isDefault
          ? { context, env: { KUBECONFIG: source.files.join(delimiter), HOME: options.env.HOME ?? homedir() }, cwd: options.cwd }
          : {
              kubeconfig: source.files[0]!,
              context,
              env: { HOME: options.env.HOME ?? homedir() },
              cwd: options.cwd,
              // Judged again when the files are read for the connection.
              ...(options.allowExec ? {} : { confine: dirname(source.files[0]!) }),
            },
        ...(await refusal(config, context, source, options.allowExec)),
      });
    }
  }
  if (problems.length > 0 && attendees.length === 0) {
    throw new UserError(problems.length === 1 ? problems[0]! : `no attendee to verify:\n  ${problems.join('\n  ')}`, {
      hint: 'name kubeconfig files or folders (hero-journey verify ./class/), or contexts with --context NAME or --context "pattern-*"',
      exitCode: ExitCode.usage,
    });
  }
  if (attendees.length === 0) {
    throw new UserError('no attendee to verify: no kubeconfig with a usable context was found', {
      hint: 'name kubeconfig files or folders (hero-journey verify ./class/), or contexts with --context NAME or --context "pattern-*"',
      exitCode: ExitCode.usage,
    });
  }
  return disambiguate(attendees);
}

/** Why an attendee's kubeconfig is refused, as `{ refused }`, or nothing when it may be used. */
export async function refusal(config: KubeconfigDocument, contextName: string, source: Pick<Source, 'shown' | 'files' | 'isDefault'>, allowExec: boolean): Promise<{ refused?: string }> {
  if (allowExec) return {};
  const context = config.contexts.find((c) => c.name === contextName);
  const userName = context?.context.user;
  const user = config.users.find((u) => u.name === userName)?.user;
  if (!user) return {};
  const where = `${source.shown}, user "${userName}"`;
  const exec = user.exec;
  if (exec !== undefined && exec !== null) {
    const command = isRecord(exec) && typeof exec.command === 'string' ? basename(exec.command) : 'a program';
    return {
      refused: `refused: ${where} runs ${command} to get credentials (exec plugin); a kubeconfig from someone else could run anything on this machine. Pass --allow-exec if you trust it`,
    };
  }
  const provider = user['auth-provider'];
  if (provider !== undefined && provider !== null) {
    const name = isRecord(provider) && typeof provider.name === 'string' ? provider.name : 'unknown';
    return {
      refused: `refused: ${where} uses the "${name}" auth-provider plugin, which can run programs and refresh tokens on this machine. Pass --allow-exec if you trust it`,
    };
  }
  if (source.isDefault) return {};
  // Every file the client or kubectl would read, in every spelling, judged by its real path.
  const folder = dirname(source.files[0]!);
  for (const file of credentialFiles(config, contextName)) {
    if (await leavesFolder(file.path, folder)) {
      const sent = file.what === 'token' ? ' and sends it to the cluster as a password' : file.what === 'client certificate' ? ' and sends it to the cluster' : '';
      return {
        refused: `refused: ${source.shown}, ${file.owner} "${file.name}" names a ${file.what} file outside the kubeconfig's folder (${file.field}: ${file.path})${sent}. Pass --allow-exec if you trust it`,
      };
    }
  }
  return {};
}

async function expandSources(options: TargetOptions): Promise<Source[]> {
  if (options.targets.length === 0) {
    const list = options.env.KUBECONFIG ? options.env.KUBECONFIG.split(delimiter).filter(Boolean) : [];
    const files = list.length > 0 ? list.map((f) => resolve(options.cwd, f)) : [join(options.env.HOME || homedir(), '.kube', 'config')];
    return [{ files, shown: list.length > 0 ? '$KUBECONFIG' : '~/.kube/config', fromFolder: false, isDefault: true }];
  }
  const sources: Source[] = [];
  for (const target of options.targets) {
    const eq = target.indexOf('=');
    const label = eq > 0 && !target.slice(0, eq).includes('/') ? target.slice(0, eq) : undefined;
    const path = resolve(options.cwd, label !== undefined ? target.slice(eq + 1) : target);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new UserError(`${label !== undefined ? target.slice(eq + 1) : target}: no such file or folder`, {
        hint: 'name kubeconfig files, or folders that hold them',
        exitCode: ExitCode.usage,
      });
    }
    if (info.isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true }))
        .filter((e) => e.isFile() && !e.name.startsWith('.') && (KUBECONFIG_EXTENSIONS.has(extname(e.name).toLowerCase()) || extname(e.name) === '' || /config/i.test(e.name)))
        .map((e) => e.name)
        .sort(naturalCompare);
      for (const name of entries) sources.push({ files: [join(path, name)], shown: displayPath(options.cwd, join(path, name)), fromFolder: true, isDefault: false });
    } else {
      sources.push({ ...(label ? { label } : {}), files: [path], shown: displayPath(options.cwd, path), fromFolder: false, isDefault: false });
    }
  }
  return sources;
}

async function loadSource(source: Source): Promise<{ config: KubeconfigDocument } | { problem: string }> {
  const documents: Array<{ file: string; data: unknown }> = [];
  for (const file of source.files) {
    const read = await readKubeconfigFile(file);
    if ('readError' in read) {
      if (read.code === 'ENOENT' && source.isDefault) continue;
      return { problem: `cannot read ${source.shown}: ${read.code ?? read.readError}` };
    }
    // Only the parser's first line: it quotes the offending line of the file on the next ones.
    if ('yamlError' in read) return { problem: `${source.shown} is not valid YAML: ${read.yamlError}` };
    const data = read.data;
    if (!isRecord(data) || !Array.isArray(data.contexts)) return { problem: `${source.shown} is not a kubeconfig (it has no contexts)` };
    documents.push({ file, data });
  }
  if (documents.length === 0) return { problem: `no kubeconfig found at ${source.shown}` };
  return { config: mergeKubeconfigs(documents) };
}

/** `alice.kubeconfig` → `alice`; `kubeconfig` in folder `alice` → `alice`. */
function fileLabel(file: string): string {
  const base = basename(file);
  const ext = extname(base);
  const stem = KUBECONFIG_EXTENSIONS.has(ext.toLowerCase()) ? base.slice(0, -ext.length) : base;
  if (/^(kube)?config$/i.test(stem)) return basename(dirname(file)) || stem;
  return stem;
}

/** Two attendees with the same name get their context (or source) added. */
function disambiguate(attendees: Attendee[]): Attendee[] {
  const count = new Map<string, number>();
  for (const a of attendees) count.set(a.name, (count.get(a.name) ?? 0) + 1);
  const renamed = attendees.map((a) => ((count.get(a.name) ?? 0) > 1 ? { ...a, name: a.name === a.context ? `${fileLabel(a.source)}/${a.context}` : `${a.name}/${a.context}` } : a));
  const seen = new Map<string, number>();
  return renamed.map((a) => {
    const n = (seen.get(a.name) ?? 0) + 1;
    seen.set(a.name, n);
    return n > 1 ? { ...a, name: `${a.name} (${n})` } : a;
  });
}

/** A context pattern: `*` any run of characters, `?` one; anything else literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** attendee-2 before attendee-10. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
