// `hero-journey play --from CHAPTER`: jumping in at a later season asks for exactly the earlier
// answers the chapters from there on use, in a real terminal, or takes them from flags.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot, TerminalSession, type Sandbox } from './pty.ts';

const seasons = join(repoRoot, 'test', 'fixtures', 'journeys', 'seasons');

let sandbox: Sandbox;
const terminals = new Set<TerminalSession>();
// A fresh HOME, XDG folders and workspace per test; its terminals are closed after it.
beforeEach(async () => {
  sandbox = await makeSandbox();
  return async () => {
    terminals.forEach((terminal) => terminal.kill());
    terminals.clear();
    await sandbox.cleanup();
  };
});

async function progress(): Promise<{ current?: string; choices: Record<string, { choice: string }>; vars: Record<string, { value: string }> }> {
  const dir = join(sandbox.env.XDG_STATE_HOME!, 'hero-journey', 'seasons');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(await readFile(join(dir, files[0]!), 'utf8'));
}

describe('play --from in a terminal', () => {
  test('asks the skipped choice a later chapter reads and the variables the phase names, nothing else, then plays on', async () => {
    const t = new TerminalSession(['--journey', seasons, '--no-sync', '--from', 'summit'], { cwd: sandbox.workspace, env: sandbox.env });
    terminals.add(t);
    await t.waitFor('Jumping in at "The summit"');
    const question = await t.waitFor('Pack your bag: what would you have chosen? (jumping in at "The summit")');
    expect(question).toMatch(/Travel light[\s\S]*Take everything/);
    t.press('down', 'enter'); // Take everything
    await t.waitFor('Where did Hero camp in season one?');
    t.press('backspace', 'backspace', 'backspace', 'backspace', 'Lake', 'enter');
    await t.waitFor("How heavy is Hero's pack?");
    t.press('medium', 'enter');
    await t.waitFor('light or heavy'); // the validate rule refuses it, and says what fits
    for (let i = 0; i < 'medium'.length; i++) t.press('backspace');
    t.press('heavy', 'enter');
    await t.waitFor('The summit: what is your choice?');
    const screen = await t.screen();
    // The road was skipped too, but nothing after the summit reads it: not asked.
    expect(screen).not.toContain('Pick a road');
    t.press('enter'); // Path P
    await t.waitFor(/Path P with a heavy pack[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor('climbing with a heavy pack');
    await t.waitFor(/Home[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor('home from Lake');
    expect(await t.exitCode()).toBe(0);
    const saved = await progress();
    expect(saved.choices.pack?.choice).toBe('heavy');
    expect(saved.choices.road).toBeUndefined();
    expect(saved.vars.CAMP?.value).toBe('Lake');
  });
});

describe('play --from without a terminal', () => {
  test('a missing earlier answer is exit 2 naming the flag', async () => {
    const result = await runBin(['--journey', seasons, '--no-sync', '--from', 'summit'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/pass --choose pack=<option> with one of: light, heavy$/m);
    const noLoad = await runBin(['--journey', seasons, '--no-sync', '--from', 'summit', '--choose', 'pack=light', '--choose', 'summit=r'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(noLoad.exitCode).toBe(2);
    expect(noLoad.stderr).toMatch(/needs LOAD \(How heavy is Hero's pack\?\) and no answer was given[\s\S]*pass --set LOAD=<value>/);
  });

  test('answers from flags: plays from the chapter to the end; a bad value for a phase input is refused', async () => {
    const bad = await runBin(['--journey', seasons, '--no-sync', '--from', 'summit', '--choose', 'pack=light', '--set', 'LOAD=medium'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--set LOAD:/);
    const result = await runBin(['--journey', seasons, '--no-sync', '--json', '--yes', '--from', 'summit', '--choose', 'pack=light', '--choose', 'summit=p', '--set', 'LOAD=light'], {
      cwd: sandbox.workspace,
      env: sandbox.env,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; chapter?: string });
    expect(events.filter((e) => e.event === 'chapter').map((e) => e.chapter)).toEqual(['summit', 'summit/p', 'summit/p-light', 'home']);
  });

  test('moves a learner who is elsewhere, keeping the answers they gave', async () => {
    const first = await runBin(['--journey', seasons, '--no-sync', '--yes', '--choose', 'pack=heavy', '--choose', 'road=y', '--choose', 'summit=q'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(first.exitCode, first.stderr).toBe(0);
    const again = await runBin(['--journey', seasons, '--no-sync', '--yes', '--from', 'summit', '--choose', 'summit=r'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('no memories needed');
    expect(again.stdout).not.toContain('Pack your bag:');
    expect((await progress()).choices.pack?.choice).toBe('heavy');
  });

  test('an unknown chapter is refused with a suggestion', async () => {
    const result = await runBin(['--journey', seasons, '--from', 'sumit'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('did you mean "hero-journey play --from summit"?');
  });
});

describe('progress saved halfway through Season 1, before Season 2 existed', () => {
  const fixture = join(repoRoot, 'test', 'fixtures', 'progress', 'season1-half.json');
  const answers = ['--choose', 'db=helm', '--choose', 'db-schema=schemahero', '--choose', 'develop=odo', '--choose', 'production/cluster=kind', '--choose', 'production/ingress=nginx'];
  const inputs = ['--set', 'GITOPS_REPO_URL=https://git.example.com/heroine/hero-production.git', '--set', 'PROD_DOMAIN=hero.example.com'];

  async function savedHalfway(): Promise<void> {
    const { progressPath } = await import('../../src/state/store.ts');
    const { progressShapeProblems } = await import('../../src/state/progress.ts');
    const saved = JSON.parse(await readFile(fixture, 'utf8')) as Record<string, unknown>;
    saved.workspace = sandbox.workspace;
    expect(progressShapeProblems(saved)).toEqual([]);
    const file = progressPath('hero-development', sandbox.workspace, sandbox.env);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  }

  test('resumes where the learner stopped and plays on into Season 2 with every earlier answer in force', async () => {
    await savedHalfway();
    const status = await runBin(['status', '--json'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ fresh: false, progress: { current: 'db', choices: { 'define-app': { choice: 'kustomize' } } } });
    const run = await runBin(['--dry-run', '--json', '--no-sync', ...answers, '--choose', 'production/gitops=flux', ...inputs], { cwd: sandbox.workspace, env: sandbox.env });
    expect(run.exitCode, run.stderr.slice(-1500)).toBe(0);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; chapter?: string });
    const chapters = events.filter((e) => e.event === 'chapter').map((e) => e.chapter);
    expect(chapters[0]).toBe('db');
    // Season 1's Kustomize picks Season 2's variant; its registry answer gives production its image.
    expect(chapters).toEqual(expect.arrayContaining(['the-end', 'production', 'production/app', 'production/app/kustomize', 'production/app/gitops', 'cleanup']));
    expect(chapters).not.toContain('production/app/helm');
    // Nothing Season 1 answered is asked again: not the image repository, not the way Hero is defined.
    const asked = events.filter((e) => e.event === 'input').map((e) => (e as { name?: string }).name);
    expect(asked).not.toContain('IMAGE_REPO');
    expect(events.filter((e) => e.event === 'choice').map((e) => e.chapter)).not.toContain('define-app');
    expect(events.at(-1)).toEqual({ event: 'end', journey: 'hero-development' });
  });

  test('kapp-controller is shown as not available to a learner who defined Hero with Kustomize, with the reason', async () => {
    await savedHalfway();
    const run = await runBin(['--dry-run', '--no-sync', ...answers, '--choose', 'production/gitops=kapp', ...inputs], { cwd: sandbox.workspace, env: sandbox.env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.replace(/\s+/g, ' ')).toContain('--choose production/gitops=kapp: that option is not available: kapp-controller templates with ytt, Helm, kbld and CUE, not Kustomize');
  });
});

describe('a room that starts at Season 2 of the bundled journey', () => {
  const flags = ['--dry-run', '--json', '--no-sync', '--from', 'production'];
  const season2 = ['--choose', 'production/cluster=kind', '--choose', 'production/gitops=argocd', '--choose', 'production/ingress=contour', '--set', 'GITOPS_REPO_URL=https://git.example.com/room/hero.git', '--set', 'PROD_DOMAIN=hero.example.com'];
  const events = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; chapter?: string; name?: string; choice?: string });

  test('is asked only the Season 1 answers Season 2 uses: how Hero is defined, its database, the image repository', async () => {
    const missing = await runBin(flags, { cwd: sandbox.workspace, env: sandbox.env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/pass --choose define-app=<option> with one of: helm, kustomize, ytt, cdk8s/);
    const run = await runBin([...flags, '--choose', 'define-app=ytt', '--choose', 'db=crossplane-cloud', '--choose', 'db/crossplane-cloud=azure', '--set', 'IMAGE_REPO=docker.io/room/hero', ...season2], {
      cwd: sandbox.workspace,
      env: sandbox.env,
    });
    expect(run.exitCode, run.stderr.slice(-1500)).toBe(0);
    const played = events(run.stdout);
    const before = played.slice(0, played.findIndex((e) => e.event === 'chapter'));
    // Before the first chapter: the Season 1 choices the way on depends on, and the one variable.
    expect(before.map((e) => (e.event === 'choice' ? `${e.chapter}=${e.choice}` : `${e.event}:${e.name}`))).toEqual([
      'define-app=ytt',
      'db=crossplane-cloud',
      'db/crossplane-cloud=azure',
      'input:IMAGE_REPO',
    ]);
    const chapters = played.filter((e) => e.event === 'chapter').map((e) => e.chapter);
    expect(chapters[0]).toBe('production');
    expect(chapters).toEqual(expect.arrayContaining(['production/app/ytt', 'production/db/azure', 'production/ingress/gitops-argocd', 'cleanup']));
    expect(chapters.some((id) => !id!.startsWith('production') && id !== 'cleanup')).toBe(false);
  });

  test('a database answer that needs no cloud is not followed by the cloud question', async () => {
    const run = await runBin([...flags, '--choose', 'define-app=helm', '--choose', 'db=helm', '--set', 'IMAGE_REPO=docker.io/room/hero', ...season2], { cwd: sandbox.workspace, env: sandbox.env });
    expect(run.exitCode, run.stderr.slice(-1500)).toBe(0);
    const played = events(run.stdout);
    expect(played.filter((e) => e.event === 'choice').map((e) => e.chapter)).not.toContain('db/crossplane-cloud');
    // kind in production, no cloud database in Season 1: the in-cluster Composition.
    expect(played.filter((e) => e.event === 'chapter').map((e) => e.chapter)).toContain('production/db/local');
  });
});

describe('check for a path not chosen yet', () => {
  type Report = { checks: { id: string; status: string; reason: string }[] };
  const statuses = (stdout: string) => Object.fromEntries((JSON.parse(stdout) as Report).checks.map((c) => [c.id, c.status]));

  test('--choose (or an --answers file) runs the checks that only that path has; a typo is refused before any check runs', async () => {
    // Nothing chosen in this workspace: the GitOps tool's own checks of Hero do not apply.
    const unchosen = await runBin(['check', 'production/app/gitops', '--json'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(statuses(unchosen.stdout)).toMatchObject({ 'argocd-hero': 'not-applicable', 'flux-hero': 'not-applicable', 'kapp-hero': 'not-applicable' });
    // With Flux chosen, Flux's check runs (and fails here: there is no production cluster to read).
    const flux = await runBin(['check', 'production/app/gitops', '--json', '--choose', 'production/gitops=flux'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(flux.exitCode).toBe(1);
    expect(statuses(flux.stdout)).toMatchObject({ 'argocd-hero': 'not-applicable', 'flux-hero': 'failed', 'kapp-hero': 'not-applicable' });
    const file = join(sandbox.workspace, 'room.yaml');
    await writeFile(file, 'choices:\n  production/gitops: kapp\ninputs:\n  PROD_URL: https://hero.example.com\n');
    const kapp = await runBin(['check', 'production/app/gitops', '--json', '--answers', file], { cwd: sandbox.workspace, env: sandbox.env });
    expect(statuses(kapp.stdout)).toMatchObject({ 'flux-hero': 'not-applicable', 'kapp-hero': 'failed' });
    expect((JSON.parse(kapp.stdout) as Report).checks.find((c) => c.id === 'http-answers')?.reason).not.toContain('PROD_URL');
    // Nothing was saved: the workspace still has no choice.
    const status = await runBin(['status', '--json'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(JSON.stringify(JSON.parse(status.stdout).progress?.choices ?? {})).toBe('{}');

    const point = await runBin(['check', 'production/app/gitops', '--choose', 'production/gitopz=flux'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(point.exitCode).toBe(2);
    expect(point.stderr).toMatch(/"production\/gitopz" is not a choice point[\s\S]*did you mean --choose production\/gitops=/);
    const option = await runBin(['check', 'production/app/gitops', '--choose', 'production/gitops=fluxx'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toMatch(/"GitOps" has no option "fluxx"\n\s+its options are: flux, argocd, kapp/);
    expect(point.stdout + option.stdout).toBe('');
  });

  test('a production chapter checked before the production cluster exists says which chapter writes its kubeconfig, not to pass --kubeconfig', async () => {
    const result = await runBin(['check', 'production/gitops/flux', '--json'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(1);
    const checks = (JSON.parse(result.stdout) as { checks: { reason: string; hint?: string }[] }).checks;
    expect(checks[0]!.reason).toBe(`cannot read the kubeconfig ${join(sandbox.workspace, 'kubeconfig-production.yaml')}: the file does not exist`);
    expect(checks[0]!.hint).toMatch(/^"GitOps with Flux" works on the cluster whose kubeconfig \(\$\{PROD_KUBECONFIG\}\) the chapter that creates that cluster writes/);
    expect(checks[0]!.hint).toContain('--set PROD_KUBECONFIG=FILE');
    expect(checks[0]!.hint).not.toContain('--kubeconfig');
  });
});
