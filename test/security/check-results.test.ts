// What a cluster answers reaches the learner through check results (reasons, what was found):
// no escape sequence of its own may survive into the terminal, whatever renders it later.
import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/checks/define.ts';
import { prepareChecks, runChecks, type EngineOptions } from '../../src/checks/engine.ts';
import { renderOutcome } from '../../src/checks/report.ts';
import type { CheckSpec } from '../../src/journey/model.ts';
import { KubeError } from '../../src/kube/errors.ts';

const ESC = '\u001B';
const hostile = `found ${ESC}[2J${ESC}[38;5;199m${ESC}]8;;https://evil.example\u0007click\u009B2J\u202Eevil`;

describe('check results carrying cluster text', () => {
  it('lose every control character and escape sequence before anything renders them', async () => {
    const check = defineCheck({ id: 'cm', title: `ConfigMap ${hostile}`, run: () => ({ ok: false, reason: hostile, details: hostile, hint: hostile }) });
    const options: EngineOptions = {
      vars: {},
      choices: {},
      connect: () => Promise.reject(new KubeError('config', 'no cluster')),
      loadModule: async (id) => ({ id, file: `/journey/checks/${id}.ts`, definition: check }),
      execEnv: { PATH: process.env.PATH },
      cwd: process.cwd(),
    };
    const spec: CheckSpec = { kind: 'use', id: 'cm', use: 'cm', with: {}, loc: { file: 'c.md', line: 3 } };
    const [outcome] = await runChecks(prepareChecks([spec], options), options, { wait: false, defaultTimeoutSeconds: 1 });
    for (const text of [outcome!.reason, outcome!.title, outcome!.details ?? '', outcome!.hint ?? '']) {
      expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202E]/);
      expect(text).toContain('found');
    }
    const shown = renderOutcome(outcome!, { width: 80, color: true, hyperlinks: true, unicode: true });
    expect(shown).not.toMatch(/\u001B\[2J|\u001B\[38;5;199m|evil\.example\u0007|\u009B|\u202E/);
  });
});
