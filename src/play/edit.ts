// "Edit it first": a step's commands in the learner's editor ($VISUAL, $EDITOR, else vi),
// from a private temporary file. What comes back is shown before anything runs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The editor command the learner chose, as git picks it. */
export function editorCommand(env: Record<string, string | undefined>): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

/**
 * Open `code` in the editor and return what the learner saved (undefined when the editor
 * failed). The editor gets the terminal: callers must not be reading keys meanwhile.
 */
export async function editInEditor(code: string, env: Record<string, string | undefined>): Promise<{ code: string } | { error: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hero-journey-step-'));
  const file = join(dir, 'step.sh');
  try {
    await writeFile(file, code.endsWith('\n') ? code : `${code}\n`, { mode: 0o600 });
    const editor = editorCommand(env);
    // Through the shell, as git does, so EDITOR may carry arguments ("code --wait").
    // node:child_process at first use: the play loop imports this module, and a chapter's first page needs no child process.
    const { spawnSync } = process.getBuiltinModule('node:child_process');
    const result = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit', env: env as NodeJS.ProcessEnv });
    if (result.error) return { error: `cannot start the editor "${editor}": ${result.error.message}` };
    if (result.status !== 0) return { error: `the editor "${editor}" exited with ${result.status ?? result.signal}: the step is unchanged` };
    return { code: (await readFile(file, 'utf8')).replace(/\n$/, '') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
