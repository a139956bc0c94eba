import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import { journeyReads } from '../../../src/classroom/rbac.ts';

const quest = join(import.meta.dirname, '..', '..', 'fixtures', 'journeys', 'quest');

test('a module that declares `reads: []` reads nothing; one that declares nothing gets a note', async () => {
  const journey = await loadJourney(quest);
  const nothing = await journeyReads(journey, async () => []);
  expect(nothing.notes).toEqual([]);
  const undeclared = await journeyReads(journey, async () => undefined);
  expect(undeclared.notes).toEqual([expect.stringMatching(/check module hero-ready does not declare what it reads/)]);
  // The quest's declarative asserts still ask for their own kinds.
  expect(nothing.kinds).toEqual(expect.arrayContaining([{ apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'Pod' }]));
});
