import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkModuleFile, isBundledJourney, bundledJourneyDir } from '../../../src/checks/modules.ts';

// Each test starts Node processes (as hero-journey runs checks); under a loaded machine that takes seconds.
vi.setConfig({ testTimeout: 60_000 });

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const journey = join(fixtures, 'mods');
const driver = join(fixtures, 'load-module.ts');
const scratch = mkdtempSync(join(tmpdir(), 'hj-modules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Load a module in a real Node process, as `hero-journey` does. */
function load(dir: string, id: string, args: object = {}): Record<string, unknown> {
  return JSON.parse(execFileSync(process.execPath, [driver, dir, id, JSON.stringify(args)], { encoding: 'utf8' })) as Record<string, unknown>;
}

describe('loading check modules (in Node, as the CLI does)', () => {
  it('runs a .ts module with types, importing hero-journey/check, without a build step', () => {
    expect(load(journey, 'typed')).toEqual({
      file: join(journey, 'checks', 'typed.ts'),
      id: 'typed',
      title: 'A TypeScript check',
      result: { ok: true, reason: 'typed module ran' },
    });
  });

  it('runs a plain .js module that does not import hero-journey/check', () => {
    expect(load(journey, 'plain', { want: 'yes' })).toMatchObject({ id: 'plain', result: { ok: true, reason: 'want is yes' } });
  });

  it('finds modules in folders by their id', () => {
    expect(load(journey, 'https/deep')).toMatchObject({ id: 'https/deep', result: { ok: true, reason: 'found in a folder' } });
  });

  it('reports a module that throws while loading as broken, with its file', () => {
    expect(load(journey, 'throws-on-import')).toEqual({
      error: 'BrokenCheckError',
      message: 'check module throws-on-import failed to load: this module breaks while loading (42)',
      file: join(journey, 'checks', 'throws-on-import.ts'),
      cause: 'Error: this module breaks while loading (42)',
    });
  });

  it('reports a module without a default export, and a missing module', () => {
    expect(load(journey, 'no-default')).toMatchObject({ error: 'BrokenCheckError', message: expect.stringContaining('does not default-export a check') });
    expect(load(journey, 'nope')).toMatchObject({ error: 'BrokenCheckError', message: 'check module nope does not exist: expected checks/nope.ts or checks/nope.js' });
  });

  it('under node_modules, where Node refuses TypeScript, uses the .js and explains a lone .ts', () => {
    const installed = join(scratch, 'node_modules', 'some-journey');
    mkdirSync(join(installed, 'checks'), { recursive: true });
    cpSync(join(journey, 'checks', 'typed.ts'), join(installed, 'checks', 'typed.ts'));
    expect(load(installed, 'typed')).toMatchObject({ error: 'BrokenCheckError', message: 'check module typed is TypeScript inside node_modules, where Node does not run TypeScript' });
    writeFileSync(join(installed, 'checks', 'typed.js'), "export default { id: 'typed', title: 'compiled', run: () => ({ ok: true, reason: 'compiled js ran' }) };\n");
    expect(load(installed, 'typed')).toMatchObject({ file: join(installed, 'checks', 'typed.js'), result: { reason: 'compiled js ran' } });
  });
});

describe('checkModuleFile', () => {
  it('prefers .ts outside node_modules', async () => {
    const dir = join(scratch, 'both');
    mkdirSync(join(dir, 'checks'), { recursive: true });
    writeFileSync(join(dir, 'checks', 'x.ts'), '');
    writeFileSync(join(dir, 'checks', 'x.js'), '');
    expect(await checkModuleFile(dir, 'x')).toBe(join(dir, 'checks', 'x.ts'));
  });

  it('knows the bundled journey', () => {
    expect(isBundledJourney(bundledJourneyDir)).toBe(true);
    expect(isBundledJourney(journey)).toBe(false);
  });
});
