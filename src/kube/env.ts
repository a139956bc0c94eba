import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/**
 * Environment for steps so kubectl, helm and friends use the kubeconfig and context the
 * learner named, following kubectl's rules: --kubeconfig replaces $KUBECONFIG; otherwise
 * $KUBECONFIG (a list) or ~/.kube/config. --context is applied without editing the learner's
 * files: a small kubeconfig that only sets `current-context` goes first in the KUBECONFIG list,
 * and kubeconfig merging lets the first file that sets a value win.
 */
export async function kubeEnvironment(
  options: { kubeconfig?: string; context?: string; cwd: string; env: NodeJS.ProcessEnv; scratchDir: string },
): Promise<Record<string, string>> {
  const files = options.kubeconfig
    ? [resolve(options.cwd, options.kubeconfig)]
    : options.env.KUBECONFIG
      ? options.env.KUBECONFIG.split(delimiter).filter(Boolean)
      : [join(options.env.HOME || homedir(), '.kube', 'config')];
  if (!options.context) return options.kubeconfig ? { KUBECONFIG: files.join(delimiter) } : {};
  await mkdir(options.scratchDir, { recursive: true, mode: 0o700 });
  const overlay = join(options.scratchDir, 'context-overlay.kubeconfig');
  await writeFile(
    overlay,
    `# Written by hero-journey for --context; safe to delete.\napiVersion: v1\nkind: Config\ncurrent-context: ${JSON.stringify(options.context)}\n`,
    { mode: 0o600 },
  );
  return { KUBECONFIG: [overlay, ...files].join(delimiter) };
}

