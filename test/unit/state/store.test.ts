import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { newProgress, undoLastChoice } from '../../../src/state/progress.ts';
import { loadProgress, progressPath, saveProgress, stateHome } from '../../../src/state/store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hj-state-'));
});
afterEach(() => {});

describe('progressPath', () => {
  test('lives under XDG_STATE_HOME, per journey and workspace', () => {
    const env = { XDG_STATE_HOME: '/x/state' };
    expect(stateHome(env)).toBe('/x/state/hero-journey');
    const a = progressPath('hero', '/home/l/adventure', env);
    const b = progressPath('hero', '/home/l/other/adventure', env);
    expect(a).toMatch(/^\/x\/state\/hero-journey\/hero\/adventure-[0-9a-f]{12}\.json$/);
    expect(a).not.toBe(b);
  });

  test('ignores a relative XDG_STATE_HOME, as the XDG spec says', () => {
    expect(stateHome({ XDG_STATE_HOME: 'relative', HOME: '/h' })).toMatch(/\.local\/state\/hero-journey$/);
  });
});

describe('save and load', () => {
  test('round-trips progress and keeps the file private', async () => {
    const path = join(dir, 'nested', 'p.json');
    const progress = newProgress('hero', '/w');
    progress.choices['build'] = { choice: 'kbld', at: 'now' };
    progress.vars['EMAIL'] = { value: 'a@b.c', source: 'input', secret: false, at: 'now' };
    await saveProgress(path, progress);
    const loaded = await loadProgress(path, 'hero', '/w');
    expect(loaded.fresh).toBe(false);
    expect(loaded.progress.choices['build']?.choice).toBe('kbld');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dirname(path))).toEqual(['p.json']);
  });

  test('a save clears temp files that a killed save left behind, but not fresh ones', async () => {
    const path = join(dir, 'p.json');
    await saveProgress(path, newProgress('hero', '/w'));
    const stale = join(dir, '.p.json.12345.deadbeef.tmp');
    const fresh = join(dir, '.p.json.12346.cafebabe.tmp');
    await writeFile(stale, '{"half":');
    await writeFile(fresh, '{"half":');
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(stale, old, old);
    await saveProgress(path, newProgress('hero', '/w'));
    expect((await readdir(dir)).sort()).toEqual(['.p.json.12346.cafebabe.tmp', 'p.json']);
  });

  test('a missing file is a fresh start', async () => {
    const loaded = await loadProgress(join(dir, 'none.json'), 'hero', '/w');
    expect(loaded.fresh).toBe(true);
    expect(loaded.notice).toBeUndefined();
  });

  test.each([
    ['truncated JSON', '{"schemaVersion": 1, "journ'],
    ['wrong shape', '{"schemaVersion": 1}'],
    ['not an object', '[1,2]'],
  ])('a damaged file (%s) is moved aside with a notice, never lost', async (_name, content) => {
    const path = join(dir, 'p.json');
    await writeFile(path, content);
    const loaded = await loadProgress(path, 'hero', '/w');
    expect(loaded.fresh).toBe(true);
    expect(loaded.notice).toMatch(/damaged .* moved to .*p\.json\.corrupt-/);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('p.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside!), 'utf8')).toBe(content);
  });

  test('refuses progress written by a newer schema instead of overwriting it', async () => {
    const path = join(dir, 'p.json');
    await writeFile(path, JSON.stringify({ ...newProgress('hero', '/w'), schemaVersion: 99 }));
    await expect(loadProgress(path, 'hero', '/w')).rejects.toThrow(/newer hero-journey/);
  });

  test('kill -9 in the middle of saving never leaves a damaged file', async () => {
    const path = join(dir, 'p.json');
    await mkdir(dir, { recursive: true });
    const here = dirname(fileURLToPath(import.meta.url));
    const storeModule = join(here, '../../../src/state/store.ts');
    const progressModule = join(here, '../../../src/state/progress.ts');
    // A writer that saves as fast as it can, with a large payload so each write takes a while.
    const script = `
      const { saveProgress } = await import(${JSON.stringify(storeModule)});
      const { newProgress } = await import(${JSON.stringify(progressModule)});
      const p = newProgress('hero', '/w');
      for (let i = 0; i < 2000; i++) p.vars['V' + i] = { value: 'x'.repeat(200), source: 'capture', secret: false, at: 'now' };
      let n = 0;
      for (;;) {
        p.current = 'chapter-' + n++;
        await saveProgress(${JSON.stringify(path)}, p);
        if (n === 1) process.stdout.write('saved once\\n');
      }
    `;
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 30 + round * 37));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const loaded = await loadProgress(path, 'hero', '/w');
      expect(loaded.notice).toBeUndefined();
      expect(loaded.progress.current).toMatch(/^chapter-\d+$/);
    }
  });
});

describe('undoLastChoice', () => {
  test('forgets the last choice and returns to its choice point', () => {
    const p = newProgress('hero', '/w');
    p.history = [
      { chapter: 'setup', at: 't', outcome: 'completed' },
      { chapter: 'build', at: 't', outcome: 'completed' },
      { chapter: 'build/kbld', at: 't', outcome: 'completed' },
      { chapter: 'registry', at: 't' },
    ];
    p.choices['build'] = { choice: 'kbld', at: 't' };
    p.current = 'registry';
    expect(undoLastChoice(p)).toBe('build');
    expect(p.current).toBe('build');
    expect(p.choices).toEqual({});
    expect(p.history.map((h) => h.chapter)).toEqual(['setup']);
    expect(undoLastChoice(p)).toBeUndefined();
  });
});
