// `kubectl edit` in a step, against the local control plane, played in a real pseudo-terminal:
// the editor kubectl opens gets the learner's terminal, what the learner types there is what
// kubectl applies, and the next step sees it.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { getTestCluster } from '../cluster/testenv.ts';
import { TerminalSession } from '../e2e/pty.ts';
import { ok, uniqueName } from './helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
afterAll(() => sandbox.cleanup());

test('kubectl edit opens the editor on the learner\'s terminal, and the edit reaches the cluster', async () => {
  const namespace = uniqueName('keyboard');
  const tutorial = join(sandbox.home, 'edit-tutorial');
  await mkdir(tutorial, { recursive: true });
  await writeFile(
    join(tutorial, 'README.md'),
    [
      '# Edit Hero\'s greeting',
      '',
      '```sh',
      `kubectl create namespace ${namespace} && kubectl -n ${namespace} create configmap hero --from-literal=greeting=hello`,
      '```',
      '',
      '```sh',
      `kubectl -n ${namespace} edit configmap hero`,
      '```',
      '',
      '```sh',
      `kubectl -n ${namespace} get configmap hero -o jsonpath='{.data.greeting}' > greeting.txt`,
      '```',
      '',
    ].join('\n'),
  );
  // An editor as small as can be: like vi, it refuses to run without a terminal on both ends.
  const editor = join(sandbox.home, 'editor.sh');
  await writeFile(editor, '#!/bin/sh\nif [ ! -t 0 ] || [ ! -t 1 ]; then echo "editor: not a terminal" >&2; exit 1; fi\nprintf "New greeting: "\nread -r word\nsed -i "s/greeting: hello/greeting: $word/" "$1"\n');
  await chmod(editor, 0o755);
  const workspace = join(sandbox.home, 'workspace');
  await mkdir(workspace);
  const env = { ...(sandbox.env as Record<string, string>), EDITOR: editor, KUBE_EDITOR: editor, TERM: 'xterm-256color' };
  const t = new TerminalSession(['--journey', tutorial, '--no-sync'], { cwd: workspace, env });
  try {
    for (const step of [1, 2, 3]) {
      await t.waitFor(new RegExp(`Step ${step} of 3[\\s\\S]*Run this step\\?`), 60_000);
      t.press('enter');
      if (step === 2) {
        await t.waitFor('New greeting: ', 60_000);
        t.press('howdy', 'enter');
      }
    }
    await t.waitFor('The end of this journey', 60_000);
    expect(await t.exitCode(30_000)).toBe(0);
  } finally {
    t.kill();
  }
  expect(await ok(sandbox, 'kubectl', ['-n', namespace, 'get', 'configmap', 'hero', '-o', 'jsonpath={.data.greeting}'])).toBe('howdy');
  expect(await readFile(join(workspace, 'greeting.txt'), 'utf8')).toBe('howdy');
}, 180_000);
