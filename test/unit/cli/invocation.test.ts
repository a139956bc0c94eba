import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { detectInvocation } from '../../../src/cli/invocation.ts';

let root: string;
let script: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hj-invocation-'));
  await mkdir(join(root, 'clone', 'bin'), { recursive: true });
  await mkdir(join(root, 'onpath'));
  script = join(root, 'clone', 'bin', 'hero-journey.js');
  await writeFile(script, '');
  await symlink(script, join(root, 'onpath', 'hero-journey'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the command messages suggest', () => {
  test.each([
    ['npm start in a clone', { npm_lifecycle_event: 'start', npm_package_name: 'hero-journey', PATH: '' }, 'npm start --'],
    ['npx', { npm_command: 'exec', PATH: '' }, 'npx hero-journey'],
    ['on PATH (a symlink to this script)', { PATH: '/nowhere:ONPATH' }, 'hero-journey'],
    ['node bin/... from the clone', { PATH: '' }, 'node ./bin/hero-journey.js'],
  ])('%s', (_name, env, expected) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('ONPATH', join(root, 'onpath'))]));
    expect(detectInvocation(resolved, script, join(root, 'clone'))).toBe(expected);
  });

  test('from another folder, the script by its full path', () => {
    expect(detectInvocation({ PATH: '' }, script, join(root, 'onpath'))).toBe(`node ${script}`);
  });
});
