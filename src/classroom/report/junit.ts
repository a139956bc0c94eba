// `hero-journey verify --format junit`: one <testsuite> per attendee, one <testcase> per check of
// every chapter they completed, for CI systems that read JUnit XML. An attendee whose cluster
// could not be read gets one test case that errors, saying why.
import type { AttendeeReport, ClassroomReport } from '../model.ts';

/** The report as JUnit XML. */
export function renderJunit(report: ClassroomReport): string {
  const suites = report.attendees.map(suite);
  const total = (key: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((sum, s) => sum + s[key], 0);
  const time = report.attendees.reduce((sum, a) => sum + a.durationMs, 0) / 1000;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`hero-journey verify: ${report.journey.title}`)}" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}" time="${seconds(time)}" timestamp="${attr(report.generatedAt)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(attendee: AttendeeReport): { xml: string; tests: number; failures: number; errors: number; skipped: number } {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const name = attendee.name;
  if (attendee.status !== 'ok') {
    const message = `${attendee.status}: ${attendee.message ?? ''}`.trim();
    if (attendee.status === 'no-progress') {
      skipped++;
      cases.push(testcase(name, 'progress', 'read the progress mirror', 0, `<skipped message="${attr(message)}"/>`));
    } else {
      errors++;
      cases.push(testcase(name, 'progress', 'read the progress mirror', attendee.durationMs / 1000, `<error type="${attr(attendee.status)}" message="${attr(message)}"/>`));
    }
  }
  for (const chapter of attendee.chapters) {
    for (const check of chapter.checks) {
      const classname = `${name}.${chapter.id}`;
      let body = '';
      if (chapter.state === 'skipped' && (check.status === 'failed' || check.status === 'broken')) {
        // The learner skipped these checks: shown as skipped everywhere, never as a surprise failure.
        skipped++;
        body = `<skipped message="${attr(`checks skipped by the learner, failing now: ${check.reason}`)}"/>`;
      } else if (check.status === 'failed') {
        failures++;
        body = `<failure type="failed" message="${attr(check.reason)}">${text(check.hint ?? '')}</failure>`;
      } else if (check.status === 'broken') {
        errors++;
        body = `<error type="broken" message="${attr(check.reason)}">${text(check.hint ?? '')}</error>`;
      } else if (check.status !== 'passed') {
        skipped++;
        body = `<skipped message="${attr(check.reason)}"/>`;
      }
      cases.push(testcase(classname, check.id, check.title, check.durationMs / 1000, body));
    }
    if (chapter.state === 'unchecked' && chapter.checks.length === 0) {
      errors++;
      cases.push(testcase(`${name}.${chapter.id}`, 'checks', chapter.title, 0, `<error type="timeout" message="${attr(chapter.reason ?? 'not re-checked')}"/>`));
    }
  }
  const tests = cases.length;
  const time = attendee.durationMs / 1000;
  const xml = [
    `  <testsuite name="${attr(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${attr(attendee.checkedAt)}">`,
    `    <properties><property name="context" value="${attr(attendee.context)}"/><property name="status" value="${attr(attendee.status)}"/>${attendee.current ? `<property name="current" value="${attr(attendee.current)}"/>` : ''}</properties>`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
  return { xml, tests, failures, errors, skipped };
}

function testcase(classname: string, id: string, title: string, time: number, body: string): string {
  const open = `    <testcase classname="${attr(classname)}" name="${attr(`${title} [${id}]`)}" time="${seconds(time)}"`;
  return body ? `${open}>${body}</testcase>` : `${open}/>`;
}

// XML 1.0 allows tab, newline, carriage return and the printable ranges; anything else is dropped.
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text for an XML attribute value in double quotes. */
export function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** Text for XML element content. */
export function text(value: string): string {
  return value.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function seconds(value: number): string {
  return value.toFixed(3);
}
