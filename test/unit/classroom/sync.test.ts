// The progress mirror's background writer, with a stand-in kubectl that records what it was asked
// (the real thing is exercised against the control plane in the integration tests).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { mirrorConfigMap, mirrorOf } from '../../../src/classroom/mirror.ts';
import { noClusterYet, readProgressMirror, startProgressSync } from '../../../src/classroom/sync.ts';
import { newProgress, type Progress } from '../../../src/state/progress.ts';

const dir = mkdtempSync(join(tmpdir(), 'hj-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Appends "ARGS<TAB>STDIN" per call to $FAKE_LOG; answers by $FAKE_MODE.
const fake = join(dir, 'kubectl');
writeFileSync(
  fake,
  `#!/usr/bin/env bash
input=""
if [ "$1" = apply ]; then input="$(cat)"; fi
printf '%s\\t%s\\n' "$*" "$input" >> "$FAKE_LOG"
case "$FAKE_MODE" in
  ok) [ "$1" = get ] && cat "$FAKE_CM"; exit 0 ;;
  refused) echo 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?' >&2; exit 1 ;;
  forbidden) echo 'Error from server (Forbidden): configmaps "x" is forbidden: User "bob" cannot patch resource "configmaps"' >&2; exit 1 ;;
  nonamespace)
    if [ "$1" = create ]; then touch "$FAKE_LOG.ns"; exit 0; fi
    if [ -e "$FAKE_LOG.ns" ]; then exit 0; fi
    echo 'Error from server (NotFound): namespaces "hero-journey" not found' >&2; exit 1 ;;
  notfound) echo 'Error from server (NotFound): configmaps "hero-journey-progress-j" not found' >&2; exit 1 ;;
esac
`,
);
chmodSync(fake, 0o755);

let runs = 0;
function setup(mode: string) {
  const log = join(dir, `log-${++runs}`);
  writeFileSync(log, '');
  const env = { PATH: `${dir}:/usr/bin:/bin`, FAKE_LOG: log, FAKE_MODE: mode, FAKE_CM: join(dir, 'cm.json') };
  const calls = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [args, input] = line.split('\t');
        return { args: args!, input: input ?? '' };
      });
  return { env, calls };
}

function progress(): Progress {
  const p = newProgress('j', '/home/learner/ws');
  p.current = 'two';
  p.history = [{ chapter: 'one', at: p.startedAt, outcome: 'completed' }, { chapter: 'two', at: p.startedAt }];
  p.vars = {
    REGION: { value: 'moon-1', source: 'capture', secret: false, at: p.startedAt },
    PASSWORD: { value: 'hunter2hunter2', source: 'input', secret: true, at: p.startedAt },
  };
  return p;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait until `probe` holds (a loaded machine runs the stand-in kubectl slowly). */
async function until(probe: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe('startProgressSync', () => {
  test('saves in quick succession become one apply of the mirror, without secrets', async () => {
    const { env, calls } = setup('ok');
    const p = progress();
    const sync = startProgressSync({ progress: () => p, env, namespace: 'hero-journey', attendee: 'Alice', debounceMs: 40 });
    for (let i = 0; i < 5; i++) sync.changed();
    expect(calls()).toHaveLength(0);
    await until(() => sync.state.writes === 1);
    await sleep(100);
    const applied = calls();
    expect(applied).toHaveLength(1);
    expect(applied[0]!.args).toMatch(/^apply --server-side --force-conflicts --field-manager=hero-journey -o name -f - --request-timeout=\d+s$/);
    const cm = JSON.parse(applied[0]!.input) as { metadata: { name: string; namespace: string }; data: Record<string, string> };
    expect(cm.metadata).toMatchObject({ name: 'hero-journey-progress-j', namespace: 'hero-journey' });
    expect(JSON.parse(cm.data['progress.json']!)).toMatchObject({ current: 'two', attendee: 'Alice', vars: { REGION: 'moon-1' }, withheld: ['PASSWORD'] });
    expect(applied[0]!.input).not.toContain('hunter2');
    expect(sync.state).toMatchObject({ writes: 1, failures: 0 });
    expect(sync.takeNotice()).toBeUndefined();
    await sync.close();
  });

  test('close writes what is still pending', async () => {
    const { env, calls } = setup('ok');
    const p = progress();
    const sync = startProgressSync({ progress: () => p, env, namespace: 'hero-journey', debounceMs: 10_000 });
    sync.changed();
    await sync.close(5000);
    expect(calls().map((c) => c.args.split(' ')[0])).toEqual(['apply']);
    sync.changed();
    await sleep(50);
    expect(calls()).toHaveLength(1);
  });

  test('a missing namespace is created once, then the mirror is written', async () => {
    const { env, calls } = setup('nonamespace');
    const p = progress();
    const sync = startProgressSync({ progress: () => p, env, namespace: 'hero-journey', debounceMs: 10 });
    sync.changed();
    await until(() => sync.state.writes === 1);
    expect(calls().map((c) => c.args.split(' ').slice(0, 3).join(' '))).toEqual(['apply --server-side --force-conflicts', 'create namespace hero-journey', 'apply --server-side --force-conflicts']);
    expect(sync.state.writes).toBe(1);
    await sync.close();
  });

  test('no cluster yet is quiet; a real problem gives one notice, and play is never held up', async () => {
    const quiet = setup('refused');
    const p = progress();
    const a = startProgressSync({ progress: () => p, env: quiet.env, namespace: 'hero-journey', debounceMs: 10, retryAfterMs: 10 });
    a.changed();
    await until(() => a.state.failures === 1);
    expect(a.takeNotice()).toBeUndefined();
    await a.close();

    const loud = setup('forbidden');
    const b = startProgressSync({ progress: () => p, env: loud.env, namespace: 'hero-journey', debounceMs: 10, retryAfterMs: 10 });
    b.changed();
    await until(() => b.state.failures === 1);
    await sleep(20);
    b.changed();
    await until(() => b.state.failures === 2);
    expect(b.takeNotice()).toMatch(/^Progress is not mirrored to your cluster \(Error from server \(Forbidden\): configmaps "x" is forbidden.*--no-sync turns this off\.$/);
    expect(b.takeNotice()).toBeUndefined();
    // After a refusal, closing makes no last write and does not wait for its limit, which is far
    // beyond the test's own timeout: a close that waited would fail the test.
    const before = loud.calls().length;
    await b.close(600_000);
    expect(loud.calls()).toHaveLength(before);
  });

  test('without kubectl it turns itself off, quietly', async () => {
    const p = progress();
    const sync = startProgressSync({ progress: () => p, env: { PATH: join(dir, 'nowhere') }, namespace: 'hero-journey', debounceMs: 10 });
    sync.changed();
    await until(() => sync.state.disabled !== undefined);
    expect(sync.state.disabled).toMatch(/kubectl is not on your PATH/);
    expect(sync.takeNotice()).toBeUndefined();
    await sync.close();
  });
});

describe('readProgressMirror', () => {
  test('reads the mirror of the journey', async () => {
    const { env, calls } = setup('ok');
    writeFileSync(join(dir, 'cm.json'), JSON.stringify(mirrorConfigMap(mirrorOf(progress()))));
    const found = await readProgressMirror({ journeyId: 'j', namespace: 'team-7', env });
    expect('mirror' in found && found.mirror).toMatchObject({ journeyId: 'j', current: 'two' });
    expect(calls()[0]!.args).toMatch(/^get configmap hero-journey-progress-j -n team-7 -o json --request-timeout=3s$/);
  });

  test('nothing there, or no cluster, is not an error for the learner', async () => {
    expect(await readProgressMirror({ journeyId: 'j', namespace: 'hero-journey', env: setup('notfound').env })).toEqual({ absent: true });
    const refused = await readProgressMirror({ journeyId: 'j', namespace: 'hero-journey', env: setup('refused').env });
    expect('error' in refused && noClusterYet(refused.error)).toBe(true);
    expect(existsSync(fake)).toBe(true);
  });
});
