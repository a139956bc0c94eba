// How `play` uses the progress mirror: offer to resume from it on a fresh machine, then mirror
// every save in the background. Kept here so the play command only wires it in.
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Asker } from '../prompts.ts';
import type { Journey } from '../journey/model.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { wrapText } from '../render/text.ts';
import { themeFor } from '../render/theme.ts';
import type { Progress } from '../state/progress.ts';
import { readClassroomConfig } from './config.ts';
import { adoptMirror, type ProgressMirror } from './mirror.ts';
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
  // Only a person can say whether to continue from another machine's progress; scripts start fresh.
  if (options.fresh && options.asker.interactive) await offerResume(options, config.namespace);
  const sync: ProgressSync = startProgressSync({
    progress: () => options.progress,
    env: options.env,
    namespace: config.namespace,
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

/** When the cluster has this journey's progress from another machine, offer to continue from it. */
async function offerResume(options: PlaySyncOptions, namespace: string): Promise<void> {
  // Without any kubeconfig there is no cluster to hold a mirror: skip starting kubectl at all.
  if (!(await someKubeconfigExists(options.env))) return;
  const found = await readProgressMirror({ journeyId: options.journey.id, namespace, env: options.env, timeoutMs: 2000 });
  // No cluster yet, or nothing in it: start as usual, quietly.
  if (!('mirror' in found) || found.mirror.history.length === 0) return;
  const mirror = found.mirror;
  const where = describePosition(options.journey, mirror);
  const resume = await options.asker.confirm(`Your cluster holds your progress from another machine (${where}). Continue from there?`, true);
  if (!resume) return;
  adoptMirror(options.progress, mirror);
  const inputs = new Map([...options.journey.inputs, ...[...options.journey.chapters.values()].flatMap((c) => c.inputs)].map((i) => [i.name, i]));
  // Secret inputs never left the other machine: ask for those of chapters already played now.
  for (const name of mirror.withheld) {
    const input = inputs.get(name);
    if (!input) continue;
    const value = await options.asker.text(`${input.prompt} (secret inputs stay on the machine they were typed on)`, { secret: true });
    options.progress.vars[name] = { value, source: 'input', secret: true, at: new Date().toISOString() };
  }
  await options.save();
  const captured = mirror.withheld.filter((name) => !inputs.has(name));
  options.write(
    dim(
      `Continuing from your progress in the cluster (${where}).${captured.length > 0 ? ` Not kept in the cluster because they look like credentials: ${captured.join(', ')}; pass --set NAME=value if a later step needs one.` : ''}`,
      options.terminal,
    ),
  );
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
  const when = mirror.updatedAt ? `, saved ${new Date(mirror.updatedAt).toLocaleString()}` : '';
  return `at chapter "${chapter?.title ?? mirror.current ?? journey.start}", ${done} chapter${done === 1 ? '' : 's'} done${when}`;
}

function dim(text: string, terminal: TerminalOptions): string {
  return `${themeFor(terminal).style.dim(wrapText(text, terminal.width))}\n`;
}
