// A journey's check modules are code the learner agrees to run. Played as a hostile journey
// author: the trust question must list exactly the files that will load, and the fingerprint must
// change whenever any of them does.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardModuleGraph, importSpecifiers } from '../../src/checks/graph.ts';
import { loadCheckModule } from '../../src/checks/modules.ts';
import { fingerprintModules } from '../../src/checks/trust.ts';
import { loadJourney } from '../../src/journey/load.ts';
import { makeSandbox, type Sandbox } from '../e2e/pty.ts';
import { writeFiles } from './support.ts';

const cliFromSource = fileURLToPath(new URL('../integration/checks/fixtures/cli.ts', import.meta.url));

const check = (body = "return helpers.pass('fine');", imports = '') =>
  `${imports}\nimport { defineCheck } from 'hero-journey/check';\nexport default defineCheck({ id: 'x', title: 'X', reads: [], async run({ helpers }) { ${body} } });\n`;

describe('the module graph behind the trust question', () => {
  let sandbox: Sandbox;
  let journey: string;
  let marker: string;
  beforeEach(async () => {
    sandbox = await makeSandbox();
    journey = join(sandbox.root, 'journey');
    marker = join(sandbox.root, 'ran');
    await writeFiles(journey, {
      'journey.yaml': 'id: trusty\ntitle: Trusty\nstart: start\n',
      'start.md': '---\ntitle: Start\nchecks:\n  - use: x\n---\n\n# Start\n',
    });
  });
  afterEach(() => sandbox.cleanup());

  const fingerprint = async () => fingerprintModules(await loadJourney(journey));
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cliFromSource, ...args], { cwd: sandbox.workspace, env: sandbox.env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });

  it('a checks/x.ts linked outside the journey beside a real checks/x.js is refused, and never runs', async () => {
    await writeFiles(sandbox.root, { 'outside/evil.ts': check(`require('node:fs').writeFileSync(${JSON.stringify(marker)}, ''); return helpers.pass('pwned');`) });
    await writeFiles(journey, { 'checks/x.js': check() });
    symlinkSync(join(sandbox.root, 'outside', 'evil.ts'), join(journey, 'checks', 'x.ts'));
    const { files, problems } = await fingerprint();
    expect(files).toEqual([]);
    expect(problems.join('\n')).toMatch(/checks\/x\.ts, whose real path .*outside\/evil\.ts is outside the journey folder/);
    const result = await cli(['check', 'start', '--journey', journey, '--trust', '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('outside the journey folder');
    expect(existsSync(marker)).toBe(false);
  });

  it('a link inside the journey is listed by the file it points to', async () => {
    await writeFiles(journey, { 'lib/real.ts': check(), 'checks/x.js': check('return helpers.fail("not me");') });
    symlinkSync(join(journey, 'lib', 'real.ts'), join(journey, 'checks', 'x.ts'));
    expect((await fingerprint()).files).toEqual(['lib/real.ts']);
  });

  it('covers every module extension and every file a check imports, transitively, outside checks/ too', async () => {
    await writeFiles(journey, {
      'checks/x.ts': check("return helpers.pass(`${helper()} ${data.n}`);", "import { helper } from '../lib/helper.mts';\nimport data from './data.json' with { type: 'json' };"),
      'checks/data.json': '{ "n": 1 }',
      'lib/helper.mts': "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst deep = require('./deep.cjs');\nexport const helper = (): string => deep.word;\n",
      'lib/deep.cjs': "exports.word = 'deep';\n",
      'lib/unused.js': 'throw new Error("never loaded");\n',
    });
    const before = await fingerprint();
    expect(before).toMatchObject({ files: ['checks/data.json', 'checks/x.ts', 'lib/deep.cjs', 'lib/helper.mts'], problems: [] });
    writeFileSync(join(journey, 'lib', 'deep.cjs'), "exports.word = 'changed';\n");
    expect((await fingerprint()).digest).not.toBe(before.digest);
    // And what was shown is what runs.
    const result = await cli(['check', 'start', '--journey', journey, '--trust', '--json']);
    expect(result.stdout).toContain('changed 1');
    expect(result.code).toBe(0);
  });

  it('a package import is refused, whatever the consent', async () => {
    await writeFiles(journey, { 'checks/x.ts': check('return helpers.pass(String(pad));', "import pad from 'left-pad';") });
    const { problems } = await fingerprint();
    expect(problems.join('\n')).toContain('checks/x.ts imports the package "left-pad"');
  });

  it('a module that picks a file at run time cannot load one that was not shown', async () => {
    await writeFiles(journey, {
      'checks/x.ts': check("const name = ['sneaky', 'ts'].join('.'); await import('./' + name); return helpers.pass('loaded');"),
      'checks/sneaky.ts': `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');\nexport {};\n`,
    });
    expect((await fingerprint()).files).toEqual(['checks/x.ts']);
    const result = await cli(['check', 'start', '--journey', journey, '--trust', '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('which was not among the check module files shown and agreed to');
    expect(existsSync(marker)).toBe(false);
  });

  it('a file changed between the consent and the load is refused', async () => {
    await writeFiles(journey, { 'checks/x.ts': check('return helpers.pass(helper());', "import { helper } from '../lib/helper.ts';"), 'lib/helper.ts': "export const helper = (): string => 'shown';\n" });
    const { graph } = await fingerprint();
    guardModuleGraph(graph, { agreed: true });
    writeFileSync(join(journey, 'lib', 'helper.ts'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');\nexport const helper = (): string => 'swapped';\n`);
    await expect(loadCheckModule(journey, 'x')).rejects.toThrow(/lib\/helper\.ts changed after it was shown/);
    expect(existsSync(marker)).toBe(false);
  });

  it('without a terminal, the refusal names each module file it would load', async () => {
    await writeFiles(journey, {
      'checks/x.ts': check('return helpers.pass(helper());', "import { helper } from '../lib/helper.ts';"),
      'lib/helper.ts': "export const helper = (): string => 'help';\n",
    });
    const result = await cli(['check', 'start', '--journey', journey]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('checks/x.ts');
    expect(result.stderr).toContain('lib/helper.ts');
  });
});

describe('importSpecifiers', () => {
  it('finds static, dynamic and require imports, not comments or type-only imports', () => {
    const source = [
      "import a from './a.ts';",
      "import { b, type B } from \"./b.mts\";",
      "import type { T } from 'types-only';",
      "export * from './c.js';",
      "import './side.cjs';",
      "const d = await import('./d.mjs');",
      "const e = require('./e.cjs');",
      "// import x from 'commented';",
      "/* require('blocked') */",
      "const url = 'https://example.com/x'; import f from './f.ts';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(['./a.ts', './b.mts', './c.js', './d.mjs', './e.cjs', './f.ts', './side.cjs']);
  });
});
