// Grading a class against the room's path (`verify --path`): where the presenter's live vote took
// a choice point, an attendee who went elsewhere is off the path, shown like a failing check.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import type { Journey } from '../journey/model.ts';
import { fetchText, presenterBase, readPath } from '../vote/follow.ts';
import type { RoomPath } from '../vote/server.ts';
import type { AttendeeReport, ClassroomReport } from './model.ts';
import { firstFailure } from './recheck.ts';

const MAX_PATH_FILE = 5 * 1024 * 1024;

/** The room's path from the presenter's address (`http://...`) or from the path file its play writes. */
export async function loadRoomPath(spec: string, journey: Pick<Journey, 'id'>, cwd: string, signal?: AbortSignal): Promise<RoomPath> {
  let path: RoomPath;
  if (/^https?:\/\//i.test(spec)) {
    const url = `${presenterBase(spec)}path`;
    try {
      path = readPath(JSON.parse(await fetchText(url, 5000, signal ?? new AbortController().signal)));
    } catch (error) {
      throw new UserError(`--path ${spec}: cannot read the room's path from ${url}: ${(error as Error).message}`, {
        hint: "give the address the presenter's play shows (its vote), or the path file it writes (.room.json)",
        exitCode: ExitCode.usage,
      });
    }
  } else {
    const file = resolve(cwd, spec);
    try {
      if ((await stat(file)).size > MAX_PATH_FILE) throw new Error('larger than a room path can be');
      path = readPath(JSON.parse(await readFile(file, 'utf8')));
    } catch (error) {
      throw new UserError(`--path ${spec}: cannot read ${file}: ${(error as Error).message}`, {
        hint: "give the path file the presenter's play wrote (it names it when the vote starts), or the presenter's address",
        exitCode: ExitCode.usage,
      });
    }
  }
  if (path.journey && path.journey !== journey.id) {
    throw new UserError(`--path ${spec}: that room played journey "${path.journey}", not "${journey.id}"`, { hint: 'pass the same --journey the presenter played', exitCode: ExitCode.usage });
  }
  return path;
}

/** Mark, for every attendee, the choice points where they left the room's path. Changes the report in place. */
export function gradeAgainstRoom(report: ClassroomReport, journey: Journey, room: RoomPath): ClassroomReport {
  // After a dead end the room voted again: its last decision at a choice point is the one that counts.
  const decided = new Map(room.decisions.map((d) => [d.chapter, d.choice]));
  for (const attendee of report.attendees) gradeAttendee(attendee, journey, decided);
  return report;
}

function gradeAttendee(attendee: AttendeeReport, journey: Journey, decided: Map<string, string>): void {
  if (attendee.status !== 'ok') return;
  let changed = false;
  attendee.chapters.forEach((chapter, index) => {
    const roomChoice = decided.get(chapter.id);
    const next = attendee.chapters[index + 1];
    const spec = journey.chapters.get(chapter.id);
    const room = spec?.choices.find((c) => c.id === roomChoice);
    if (!room || !next || next.id === room.goto) return;
    const theirs = spec?.choices.find((c) => c.goto === next.id)?.label ?? next.title;
    const reason = `took "${theirs}", the room chose "${room.label}"`;
    chapter.state = 'failed';
    chapter.reason = reason;
    chapter.checks = [...chapter.checks.filter((c) => c.id !== 'room-path'), { id: 'room-path', title: "The room's path", status: 'failed', reason, durationMs: 0 }];
    changed = true;
  });
  if (changed) {
    const { firstFailure: first } = firstFailure(attendee.chapters);
    if (first) attendee.firstFailure = first;
  }
}
