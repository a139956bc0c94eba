// How `play` uses the progress mirror: offer to resume from it on a fresh machine, then mirror
// every save in the background. Kept here so the play command only wires it in.
import { createHash } from 'node:crypto';
import { access, readFile, realpath } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Asker } from '../prompts.ts';
import type { Journey } from '../journey/model.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { formatDateTime, wrapText } from '../render/text.ts';
import { themeFor } from '../render/theme.ts';
import { validateInput } from '../play/inputs.ts';
import { renderCallout } from '../render/chapter.ts';
import type { Progress } from '../state/progress.ts';
import { lastReset } from '../state/store.ts';
import { variableNameRefusal } from '../state/variables.ts';
import { stripTerminalCodes } from '../steps/format.ts';
import { readClassroomConfig } from './config.ts';
import { adoptionPlan, adoptMirror, type AdoptionPlan, type MirrorOrigin, type ProgressMirror } from './mirror.ts';
import { readProgressMirror, startProgressSync, type ProgressSync } from './sync.ts';

export interface PlaySyncOptions {
  journey: Journey;
  progress: Progress;
  /** Nothing was saved locally yet for this journey and workspace. */
  fresh: boolean;
  /** --sync (default) or --no-sync; dry runs never sync. */
  enabled: boolean;
  /** The learner's environment with the kubeconfig and context of their steps. */
  env: Record<string, string | undefined>;
  asker: Asker;
  terminal: TerminalOptions;
  write: (text: string) => void;
  /** Save progress locally (used after resuming). */
  save: () => Promise<void>;
  /** The local progress file (a `reset` of it is noted beside it). */
  progressFile: string;
  /** --continue-from DIR: a workspace of this machine whose mirror may be offered. */
  continueFrom?: string;
}

/** What play calls after each save, and at the end. */
export interface PlaySync {
  /** Progress was saved locally. */
  saved(): void;
  /** Mirror what is pending (briefly), then stop. */
  close(interrupted: boolean): Promise<void>;
}

const OFF: PlaySync = { saved() {}, async close() {} };

/** Read the learner's settings, offer to resume from the cluster, and start mirroring. */
export async function beginPlaySync(options: PlaySyncOptions): Promise<PlaySync> {
  if (!options.enabled) return OFF;
  const config = await readClassroomConfig(options.env);
  if (!config.sync) return OFF;
  const origin = await mirrorOrigin(options.progress.workspace);
  // Only a person can say whether to continue from another machine's progress; scripts start fresh.
  if (options.fresh && options.asker.interactive) await offerResume(options, config.namespace, origin);
  const sync: ProgressSync = startProgressSync({
    progress: () => options.progress,
    env: options.env,
    namespace: config.namespace,
    origin,
    ...(config.attendee ? { attendee: config.attendee } : {}),
  });
  const notify = () => {
    const notice = sync.takeNotice();
    if (notice) options.write(dim(notice, options.terminal));
  };
  return {
    saved() {
      notify();
      sync.changed();
    },
    async close(interrupted) {
      await sync.close(interrupted ? 500 : 3000);
      notify();
    },
  };
}

/**
 * When the cluster holds this journey's progress from another machine (or from the workspace named
 * with --continue-from), show what continuing would take and ask; the answer defaults to no. A
 * mirror is written by anyone who can write a ConfigMap there, so only what `adoptionPlan` allows
 * is taken, and it is shown first.
 */
async function offerResume(options: PlaySyncOptions, namespace: string, here: MirrorOrigin): Promise<void> {
  // Without any kubeconfig there is no cluster to hold a mirror: skip starting kubectl at all.
  if (!(await someKubeconfigExists(options.env))) return;
  const found = await readProgressMirror({ journeyId: options.journey.id, namespace, env: options.env, timeoutMs: 2000 });
  // No cluster yet, or nothing in it: start as usual, quietly.
  if (!('mirror' in found) || found.mirror.history.length === 0) return;
  const mirror = found.mirror;
  if (!(await offerable(mirror, here, options))) return;
  const where = describePosition(options.journey, mirror);
  const plan = adoptionPlan(options.journey, mirror);
  const inputs = new Map([...options.journey.inputs, ...[...options.journey.chapters.values()].flatMap((c) => c.inputs)].map((i) => [i.name, i]));
  const asked = mirror.withheld.filter((name) => inputs.has(name) && !variableNameRefusal(name));
  const shown = (text: string) => {
    const plain = stripTerminalCodes(text);
    return plain.length > 60 ? `${plain.slice(0, 57)}...` : plain;
  };
  const lines = [
    `From ${mirror.origin?.machine === here.machine ? 'another workspace of this machine' : 'another machine'}: ${where}.`,
    '',
    Object.keys(plan.vars).length > 0
      ? `Variables it sets:\n${Object.entries(plan.vars).map(([name, value]) => `  ${name} = ${shown(value)}`).join('\n')}`
      : 'It sets no variables.',
    ...(asked.length > 0 ? ['', `Asked again (secret, kept on the other machine): ${asked.join(', ')}`] : []),
    ...(plan.refused.length > 0 ? ['', `Left out:\n${leftOut(plan, shown)}`] : []),
  ];
  options.write(renderCallout('info', 'Your cluster holds progress of this journey', lines.join('\n'), options.terminal));
  const resume = await options.asker.confirm('Continue from there? (No starts this workspace from the beginning)', false);
  if (!resume) return;
  adoptMirror(options.progress, mirror, options.journey, plan);
  // Secret inputs never left the other machine: ask for them now, never accepting an empty one.
  for (const name of asked) {
    const input = inputs.get(name)!;
    const value = await options.asker.text(`${input.prompt} (secret inputs stay on the machine they were typed on)`, {
      secret: true,
      validate: (typed) => validateInput({ ...input, secret: true }, typed),
    });
    options.progress.vars[name] = { value, source: 'input', secret: true, at: new Date().toISOString() };
  }
  await options.save();
  const captured = mirror.withheld.filter((name) => !inputs.has(name));
  options.write(
    dim(
      `Continuing from your progress in the cluster (${where}).${captured.length > 0 ? ` Not kept in the cluster because they look like credentials: ${few(captured.map(shown))}; pass --set NAME=value if a later step needs one.` : ''}`,
      options.terminal,
    ),
  );
}

/** The refused variables, grouped by why: `  A, B: reason`. */
function leftOut(plan: AdoptionPlan, shown: (text: string) => string): string {
  const byReason = new Map<string, string[]>();
  for (const { name, reason } of plan.refused) byReason.set(reason, [...(byReason.get(reason) ?? []), shown(name)]);
  return [...byReason].map(([reason, names]) => `  ${few(names.sort())}: ${reason}`).join('\n');
}

/** Names from a mirror, at most 20 of them: a mirror may hold thousands. */
function few(names: string[]): string {
  return names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
}

/**
 * A mirror is offered only when it comes from another machine, or from the workspace the learner
 * named with --continue-from; never one this workspace wrote itself (as after `reset`), never one
 * older than this workspace's last reset, and never one whose origin is unknown.
 */
async function offerable(mirror: ProgressMirror, here: MirrorOrigin, options: PlaySyncOptions): Promise<boolean> {
  if (!mirror.origin) return false;
  if (mirror.origin.machine === here.machine) {
    if (!options.continueFrom) return false;
    const named = await mirrorOrigin(options.continueFrom);
    if (mirror.origin.workspace !== named.workspace || named.workspace === here.workspace) return false;
  }
  const resetAt = await lastReset(options.progressFile);
  return !resetAt || (mirror.updatedAt !== '' && Date.parse(mirror.updatedAt) > Date.parse(resetAt));
}

/** One-way digests of this machine (machine id, host and user name) and of a workspace folder on it. */
export async function mirrorOrigin(workspace: string): Promise<MirrorOrigin> {
  const folder = await realpath(workspace).catch(() => workspace);
  const machineId = (await readFile('/etc/machine-id', 'utf8').catch(() => '')).trim();
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return '';
    }
  })();
  const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
  const machine = digest('hero-journey machine', machineId, hostname(), user);
  return { machine, workspace: digest('hero-journey workspace', machine, folder) };
}

/** Whether a file of the kubeconfig list kubectl would read exists (KUBECONFIG, else ~/.kube/config). */
async function someKubeconfigExists(env: Record<string, string | undefined>): Promise<boolean> {
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(env.HOME || homedir(), '.kube', 'config')];
  const found = await Promise.all(files.map((file) => access(file).then(() => true, () => false)));
  return found.includes(true);
}

function describePosition(journey: Journey, mirror: ProgressMirror): string {
  if (mirror.finished) return 'you finished the journey';
  const chapter = mirror.current ? journey.chapters.get(mirror.current) : undefined;
  const done = mirror.history.filter((h) => h.outcome === 'completed').length;
  const when = mirror.updatedAt ? `, saved ${formatDateTime(mirror.updatedAt)}` : '';
  return `at chapter "${chapter?.title ?? mirror.current ?? journey.start}", ${done} chapter${done === 1 ? '' : 's'} done${when}`;
}

function dim(text: string, terminal: TerminalOptions): string {
  return `${themeFor(terminal).style.dim(wrapText(text, terminal.width))}\n`;
}
