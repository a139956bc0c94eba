// A classroom report with one attendee of each kind, for the report and dashboard tests.
import { journeyColumns, type AttendeeReport, type ChapterReport, type ClassroomReport } from '../../../src/classroom/model.ts';
import type { Journey } from '../../../src/journey/model.ts';

export const at = '2026-01-02T03:04:05.000Z';
export const order = ['setup', 'setup/nip-io', 'setup/domain', 'build-image', 'build-image/kbld', 'build-image/buildpacks', 'registry', 'registry/harbor', 'https', 'https/cert-manager', 'the-end'];
/** Where each chapter goes on (build-image is a choice point: kbld or buildpacks). */
const flow: Record<string, string> = {
  setup: 'setup/nip-io',
  'setup/nip-io': 'build-image',
  'build-image/kbld': 'registry',
  'build-image/buildpacks': 'registry',
  registry: 'https',
  https: 'the-end',
};
export const journey = {
  id: 'hero',
  title: "Hero's Journey",
  start: 'setup',
  phases: [{ id: 'dev', title: 'Development', chapters: order }],
  chapters: new Map(order.map((id) => [id, { id, title: id === 'setup' ? 'Set up' : id.toUpperCase(), checks: [], choices: [], next: flow[id] ? [{ goto: flow[id] }] : [] }])),
  vars: {},
} as unknown as Journey;

const chapter = (id: string, state: ChapterReport['state'], extra: Partial<ChapterReport> = {}): ChapterReport => ({ id, title: id, state, checks: [], ...extra });
const check = (id: string, status: 'passed' | 'failed' | 'local', reason: string) => ({ id, title: `check ${id}`, status, reason, durationMs: 12 });

function attendee(name: string, extra: Partial<AttendeeReport>): AttendeeReport {
  return { name, source: `${name}.kubeconfig`, context: name, status: 'ok', chapters: [], durationMs: 120, checkedAt: at, ...extra };
}

export function sample(): ClassroomReport {
  return {
    journey: { id: journey.id, title: journey.title },
    generatedAt: at,
    timeoutMs: 5000,
    columns: journeyColumns(journey),
    attendees: [
      attendee('alice', {
        displayName: 'Alice A.',
        current: 'https',
        chapters: [
          chapter('setup', 'passed', { checks: [check('a', 'passed', 'fine')] }),
          chapter('setup/nip-io', 'passed'),
          chapter('build-image', 'passed'),
          chapter('build-image/kbld', 'passed', { checks: [check('img', 'local', "looks at the learner's own machine (docker)")] }),
          chapter('registry', 'not-applicable', { reason: 'it did not apply on this path' }),
          chapter('https', 'current'),
        ],
      }),
      attendee('bob', {
        current: 'registry/harbor',
        chapters: [
          chapter('setup', 'passed', { checks: [check('a', 'passed', 'fine')] }),
          chapter('setup/domain', 'passed'),
          chapter('build-image', 'passed'),
          chapter('build-image/buildpacks', 'failed', { reason: 'check img: not found', checks: [check('img', 'failed', 'Deployment dev/hero has 0 of 1 replicas <ready> & "waiting"')] }),
          chapter('registry/harbor', 'current'),
        ],
        firstFailure: { chapter: 'build-image/buildpacks', check: 'check img', reason: 'Deployment dev/hero has 0 of 1 replicas <ready> & "waiting"' },
      }),
      attendee('carol', { status: 'unreachable', message: 'nothing answers at https://10.0.0.3:6443: connection refused', chapters: [] }),
      attendee('<script>alert(1)</script>', { status: 'forbidden', message: 'you may not get configmaps as "x\u001b[31m": <b>403</b>', chapters: [] }),
      attendee('dave', { status: 'no-progress', message: 'no progress in the cluster yet', chapters: [] }),
    ],
  };
}


(journey.chapters.get('build-image') as unknown as { choices: unknown[] }).choices = [
  { id: 'kbld', label: 'kbld', goto: 'build-image/kbld' },
  { id: 'buildpacks', label: 'Buildpacks', goto: 'build-image/buildpacks' },
];
