import { expect, test } from 'vitest';
import { UserError } from '../../src/errors.ts';
test('UserError carries a hint', () => {
  expect(new UserError('x', { hint: 'y' }).hint).toBe('y');
});
