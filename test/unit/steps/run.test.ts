import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { capturedVariables, isShellInternal, parseEnvironmentDump, runStep, type RunStepOptions } from '../../../src/steps/run.ts';

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'hero-journey-run-test-'));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function run(code: string, options: Partial<RunStepOptions> = {}) {
  const output: { text: string; stream: 'stdout' | 'stderr' }[] = [];
  const result = await runStep({
    code,
    cwd: workspace,
    env: {},
    onOutput: (text, stream) => output.push({ text, stream }),
    ...options,
  });
  const stdout = output.filter((o) => o.stream === 'stdout').map((o) => o.text).join('');
  const stderr = output.filter((o) => o.stream === 'stderr').map((o) => o.text).join('');
  return { result, stdout, stderr };
}

/** True while the process exists and is not a zombie (a container's init may not reap it at once). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0) !== 'Z';
  } catch {
    return true;
  }
}

async function waitFor<T>(read: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const readPid = (file: string) => () =>
  readFile(file, 'utf8').then(
    (text) => (/^\d+\n$/.test(text) ? Number(text) : undefined),
    () => undefined,
  );

describe('exit codes and output', () => {
  test('a successful step streams stdout and stderr', async () => {
    const { result, stdout, stderr } = await run('echo out\necho err >&2\n');
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false, captured: {}, stderrTail: 'err\n' });
    expect(result.signal).toBeUndefined();
    expect(result.durationMs).toBeGreaterThan(0);
    expect(stdout).toBe('out\n');
    expect(stderr).toBe('err\n');
  });

  test('reports the exit code and where the step stopped', async () => {
    expect((await run('exit 3')).result.exitCode).toBe(3);
    const { result, stdout } = await run('echo one\nfalse\necho never\n');
    expect(result.exitCode).toBe(1);
    expect(stdout).toBe('one\n');
    expect(result.failedCommand).toEqual({ line: 2, command: 'false' });
    expect((await run('echo a\nexit 4\n')).result.failedCommand).toEqual({ line: 2, command: 'exit 4' });
  });

  test('a missing command is exit 127, and bash names it (the script shows up as "step")', async () => {
    const { result } = await run('echo start\nhero_journey_no_such_tool --version\n');
    expect(result.exitCode).toBe(127);
    expect(result.stderrTail).toBe('step: line 2: hero_journey_no_such_tool: command not found\n');
  });

  test('stderrTail keeps the last 20 lines of stderr', async () => {
    const { result } = await run('for i in $(seq 1 30); do echo "line $i" >&2; done\nexit 1\n');
    const lines = result.stderrTail.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('line 11');
    expect(lines[19]).toBe('line 30');
  });

  test('set -u makes an unset variable fail', async () => {
    const { result, stdout } = await run('echo "$HERO_JOURNEY_SURELY_UNSET"\necho after\n');
    expect(result.exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(result.stderrTail).toContain('HERO_JOURNEY_SURELY_UNSET: unbound variable');
  });

  test('pipefail: a failing command inside a pipeline fails the step', async () => {
    expect((await run('false | cat\necho never\n')).result.exitCode).toBe(1);
    expect((await run('true | cat\n')).result.exitCode).toBe(0);
  });

  test('stdin is empty, so a command waiting for input does not hang', async () => {
    const { result, stdout } = await run('cat\necho "read: $(wc -c </dev/stdin)"\n');
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe('read: 0\n');
  });

  test('runs in the given folder', async () => {
    const { stdout } = await run('pwd -P\n');
    expect(stdout.trim()).toBe(await import('node:fs/promises').then((fs) => fs.realpath(workspace)));
  });

  test('heredocs and heavy quoting run verbatim', async () => {
    const code = [
      `NAME="Hero's app"`,
      `cat <<'EOF'`,
      `literal $NAME "double" 'single' \\backslash \`tick\``,
      `EOF`,
      `cat <<EOF`,
      `expanded: $NAME`,
      `EOF`,
      `printf '%s|%s\\n' "a \\"quoted\\" word" 'it'"'"'s'`,
      `echo "tab:\t:end"`,
    ].join('\n');
    const { result, stdout } = await run(code);
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe(
      [
        `literal $NAME "double" 'single' \\backslash \`tick\``,
        `expanded: Hero's app`,
        `a "quoted" word|it's`,
        `tab:\t:end`,
        '',
      ].join('\n'),
    );
  });

  test('the script file is private and removed afterwards', async () => {
    const { stdout } = await run('f="${BASH_SOURCE[0]}"; stat -c %a "$f" 2>/dev/null || stat -f %Lp "$f"; dirname "$f"\n');
    const [mode, dir] = stdout.trim().split('\n');
    expect(mode).toBe('600');
    await expect(readFile(path.join(dir ?? '', 'step'))).rejects.toThrow();
  });
});

describe('environment and capture', () => {
  test('variables passed in are visible to the step', async () => {
    const { result, stdout } = await run('echo "$GREETING, $TARGET"\n', { env: { GREETING: 'hello', TARGET: 'Hero' } });
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe('hello, Hero\n');
  });

  test('captures what the step exports: plain, spaces, newlines and =', async () => {
    const { result } = await run(['export A=1', 'export B="x y"', `export C=$'line 1\\nline=2'`, 'export D=', 'NOT_EXPORTED=1'].join('\n'));
    expect(result.captured).toEqual({ A: '1', B: 'x y', C: 'line 1\nline=2', D: '' });
  });

  test('unchanged variables are not captured, changed ones are', async () => {
    const { result } = await run('export KEEP="$KEEP"\nexport CHANGE=new\nexport PATH="$PATH"\ncd /\n', {
      env: { KEEP: 'same', CHANGE: 'old' },
    });
    expect(result.captured).toEqual({ CHANGE: 'new' });
  });

  test('an early exit 0 still captures; exports after it never happen', async () => {
    const { result } = await run('export EARLY=1\nexit 0\nexport LATE=1\n');
    expect(result).toMatchObject({ exitCode: 0, captured: { EARLY: '1' } });
  });

  test('exit inside a subshell or command substitution does not end the capture', async () => {
    const { result, stdout } = await run('export X1=1\n(exit 0)\nV=$(export INNER=1; exit 0)\ntrue | exit 0\nexport X2=2\necho done\n');
    expect(stdout).toBe('done\n');
    expect(result.captured).toEqual({ X1: '1', X2: '2' });
  });

  test("the step's own EXIT trap runs and does not stop the capture", async () => {
    const { result, stdout } = await run(`trap 'echo cleaned up' EXIT\nexport WITH_TRAP=1\n`);
    expect(stdout).toBe('cleaned up\n');
    expect(result.captured).toEqual({ WITH_TRAP: '1' });
  });

  test('nothing is captured when the step fails', async () => {
    const { result } = await run('export PARTIAL=1\nfalse\n');
    expect(result.exitCode).toBe(1);
    expect(result.captured).toEqual({});
  });

  test('xtrace in the step does not show our wrapper', async () => {
    const { result, stderr } = await run('set -x\nexport TRACED=1\n');
    expect(result.captured).toEqual({ TRACED: '1' });
    expect(stderr).not.toContain('__hero_journey');
  });
});

describe('timeout and cancellation', () => {
  test('a timeout kills the step quickly and says so', async () => {
    const pidFile = path.join(workspace, 'timeout.pid');
    const { result } = await run(`sh -c 'echo $$ > "${pidFile}"; exec sleep 100'\n`, { timeoutSeconds: 0.5 });
    expect(result).toMatchObject({ exitCode: undefined, signal: 'SIGTERM', timedOut: true, cancelled: false, timeoutSeconds: 0.5, captured: {} });
    // Cut off, not run to its end: the sleep alone would take 100 s.
    expect(result.durationMs).toBeLessThan(50_000);
    const pid = await waitFor(readPid(pidFile));
    await waitFor(async () => ((await isAlive(pid)) ? undefined : true));
  }, 60_000);

  test('a step that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const { result } = await run(`trap '' TERM\nsleep 100\n`, { timeoutSeconds: 0.2 });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    // The sleep alone would take 100 s.
    expect(result.durationMs).toBeLessThan(50_000);
  }, 60_000);

  test('aborting the signal kills the step and its grandchildren', async () => {
    const pidFile = path.join(workspace, 'abort.pid');
    const controller = new AbortController();
    const running = run(`echo started\nsh -c 'echo $$ > "${pidFile}"; exec sleep 100'\necho never\n`, { signal: controller.signal });
    const pid = await waitFor(readPid(pidFile));
    expect(await isAlive(pid)).toBe(true);
    controller.abort();
    const { result, stdout } = await running;
    expect(result).toMatchObject({ exitCode: undefined, cancelled: true, timedOut: false, captured: {} });
    expect(stdout).toBe('started\n');
    await waitFor(async () => ((await isAlive(pid)) ? undefined : true));
  });

  test('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = path.join(workspace, 'should-not-exist');
    const { result } = await run(`touch "${marker}"\n`, { signal: controller.signal });
    expect(result.cancelled).toBe(true);
    await expect(readFile(marker)).rejects.toThrow();
  });

  test('a process left in the background does not keep the step running', async () => {
    const { result, stdout } = await run('sleep 100 &\necho "$!"\n');
    expect(result.exitCode).toBe(0);
    // Waiting for the background sleep would take 100 s.
    expect(result.durationMs).toBeLessThan(50_000);
    const pid = Number(stdout.trim());
    expect(await isAlive(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
  }, 60_000);
});

describe('errors the learner can fix', () => {
  test('bash missing from PATH is a UserError', async () => {
    const failure = runStep({ code: 'true', cwd: workspace, env: { PATH: path.join(workspace, 'no-bin-here') } });
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toThrow(/bash was not found/);
  });

  test('a missing workspace folder is a UserError', async () => {
    await expect(runStep({ code: 'true', cwd: path.join(workspace, 'missing'), env: {} })).rejects.toThrow(/workspace folder .* does not exist/);
  });
});

describe('capture helpers', () => {
  test('parseEnvironmentDump splits on NUL and the first =', () => {
    expect(parseEnvironmentDump('A=1\0B=x=y\0C=multi\nline\0\0')).toEqual({ A: '1', B: 'x=y', C: 'multi\nline' });
  });

  test('shell internals are never captured', () => {
    for (const name of ['PWD', 'OLDPWD', 'SHLVL', '_', 'BASH_ENV', 'BASH_FUNC_x%%', 'SHELLOPTS', '__hero_journey_dir']) {
      expect(isShellInternal(name)).toBe(true);
    }
    expect(isShellInternal('KUBECONFIG')).toBe(false);
    expect(capturedVariables({ A: '1', PWD: '/a' }, { A: '1', B: '2', PWD: '/b', SHLVL: '2' })).toEqual({ B: '2' });
  });
});

test('a step can write files with its code', async () => {
  await writeFile(path.join(workspace, 'input.txt'), 'ready\n');
  const { result } = await run('grep -q ready input.txt\n');
  expect(result.exitCode).toBe(0);
});

describe('carrying shell state (plain tutorials)', () => {
  test('reports the folder the step ended in', async () => {
    await mkdir(path.join(workspace, 'clone', 'sub'), { recursive: true });
    const { result } = await run('cd clone/sub');
    expect(result.cwd).toBe(path.join(workspace, 'clone', 'sub'));
    const failed = await run('cd clone\nfalse');
    expect(failed.result.cwd).toBeUndefined();
  });

  test('plain assignments are captured only when asked to carry them', async () => {
    const carried = await run('NAME=hero\nexport TAG=1', { carryAssignments: true });
    expect(carried.result.captured).toEqual({ NAME: 'hero', TAG: '1' });
    const plain = await run('NAME=hero\nexport TAG=1');
    expect(plain.result.captured).toEqual({ TAG: '1' });
  });
});
