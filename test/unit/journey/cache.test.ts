import { cp, mkdtemp, readdir, rm, utimes, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { codeFingerprint, loadJourneyCached } from '../../../src/journey/cache.ts';
import { loadJourney } from '../../../src/journey/load.ts';

const quest = join(import.meta.dirname, '..', '..', 'fixtures', 'journeys', 'quest');
let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hj-cache-'));
  await cp(quest, join(root, 'quest'), { recursive: true });
  env = { XDG_CACHE_HOME: join(root, 'cache') };
});
afterEach(() => rm(root, { recursive: true, force: true }));

test('a cached load gives the same model as a fresh one', async () => {
  const dir = join(root, 'quest');
  const fresh = await loadJourney(dir);
  const first = await loadJourneyCached(dir, { env, version: '1.0.0' });
  expect((await readdir(join(root, 'cache', 'hero-journey', 'journeys'))).length).toBe(1);
  const second = await loadJourneyCached(dir, { env, version: '1.0.0' });
  expect(first).toEqual(fresh);
  expect(second).toEqual(fresh);
  expect(second.chapters).toBeInstanceOf(Map);
});

test('a changed chapter, a new version or a damaged cache file is never served stale', async () => {
  const dir = join(root, 'quest');
  await loadJourneyCached(dir, { env, version: '1.0.0' });
  const chapter = join(dir, 'ending.md');
  await writeFile(chapter, (await readFile(chapter, 'utf8')).replace('title: Home again', 'title: Home at last'));
  await utimes(chapter, new Date(), new Date(Date.now() + 5000));
  expect((await loadJourneyCached(dir, { env, version: '1.0.0' })).chapters.get('ending')?.title).toBe('Home at last');

  const [file] = await readdir(join(root, 'cache', 'hero-journey', 'journeys'));
  await writeFile(join(root, 'cache', 'hero-journey', 'journeys', file!), '{"fingerprint": 1');
  expect((await loadJourneyCached(dir, { env, version: '1.0.0' })).chapters.get('ending')?.title).toBe('Home at last');
  expect((await loadJourneyCached(dir, { env, version: '2.0.0' })).id).toBe('quest');
});

test('a broken journey still reports its problems', async () => {
  const dir = join(root, 'quest');
  await writeFile(join(dir, 'ending.md'), '---\ntitel: x\n---\n');
  await expect(loadJourneyCached(dir, { env, version: '1.0.0' })).rejects.toThrow(/problem/);
});

test('the parser\'s own files are part of the fingerprint: a rebuilt hero-journey parses again', async () => {
  const code = await mkdtemp(join(tmpdir(), 'hj-code-'));
  try {
    await writeFile(join(code, 'chapter.js'), 'export {};\n');
    await writeFile(join(code, 'notes.md'), 'not code\n');
    const before = await codeFingerprint(code);
    expect(before).toContain('chapter.js');
    expect(before).not.toContain('notes.md');
    await writeFile(join(code, 'chapter.js'), 'export const help = 1;\n');
    expect(await codeFingerprint(code)).not.toBe(before);
    // This module's own folder is what the cache uses by default.
    expect(await codeFingerprint()).toMatch(/(^|\n)chapter\.(js|ts)\0/);
  } finally {
    await rm(code, { recursive: true, force: true });
  }
});
