import { describe, expect, test } from 'vitest';
import { timeAgo } from '../../../src/play/loop.ts';

describe('timeAgo', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  test.each([
    [30, ''],
    [60, '1 minute ago'],
    [59 * 60, '59 minutes ago'],
    [2 * 3600, '2 hours ago'],
    [26 * 3600, 'yesterday'],
    [3 * 86400, '3 days ago'],
    [8 * 86400, '1 week ago'],
    [45 * 86400, '1 month ago'],
    [800 * 86400, '2 years ago'],
  ])('%i s before is "%s"', (seconds, text) => {
    expect(timeAgo(before(seconds), now)).toBe(text);
  });
  test('an unreadable or future date says nothing', () => {
    expect(timeAgo(new Date('not a date'), now)).toBe('');
    expect(timeAgo(new Date(now.getTime() + 60_000), now)).toBe('');
  });
});
