// requireOwn loads hero-journey's own modules at first need, with the extension of the module asking.
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { requireOwn } from '../../src/require-own.ts';

test('loads the module beside the one asking, with its extension, also when that one was imported with a query', () => {
  const from = pathToFileURL(new URL('../../src/render/highlight.ts', import.meta.url).pathname).href;
  for (const url of [from, `${from}?fresh`, `${from}#part`]) {
    const { default: hljs } = requireOwn<typeof import('../../src/render/hljs.ts')>(url, './hljs');
    expect(hljs.getLanguage('yaml')?.name).toBe('YAML');
  }
  expect(() => requireOwn(from, './no-such-module')).toThrow(/no-such-module\.ts/);
});
