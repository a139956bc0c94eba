import { describe, expect, test } from 'vitest';
import { parseJourneySource } from '../../../src/journey/source.ts';

describe('--journey naming a source', () => {
  test.each([
    ['github:heroes/tutorials/k8s-101#v2', { kind: 'git', url: 'https://github.com/heroes/tutorials.git', ref: 'v2', path: 'k8s-101' }],
    ['github:heroes/tutorials', { kind: 'git', url: 'https://github.com/heroes/tutorials.git', path: '' }],
    ['git+https://git.example.com/heroes/tutorials#main:docs/k8s', { kind: 'git', url: 'https://git.example.com/heroes/tutorials', ref: 'main', path: 'docs/k8s' }],
    ['https://git.example.com/heroes/tutorials.git#:k8s', { kind: 'git', url: 'https://git.example.com/heroes/tutorials.git', path: 'k8s' }],
    ['file:///srv/tutorials.git', { kind: 'git', url: 'file:///srv/tutorials.git', path: '' }],
    ['npm:@heroes/k8s-101@1.2.3', { kind: 'npm', spec: '@heroes/k8s-101@1.2.3', path: '' }],
    ['npm:k8s-101#journey', { kind: 'npm', spec: 'k8s-101', path: 'journey' }],
    ['./k8s-101-1.0.0.tgz', { kind: 'tarball', file: '/home/learner/k8s-101-1.0.0.tgz', path: '' }],
  ])('%s', (text, expected) => {
    expect(parseJourneySource(text, '/home/learner')).toEqual(expected);
  });

  test('a folder, or a web page that is no repository, is no source', () => {
    expect(parseJourneySource('./my-journey', '/home/learner')).toBeUndefined();
    expect(parseJourneySource('https://example.com/tutorial', '/home/learner')).toBeUndefined();
  });

  test('a path that leads outside what it names is refused', () => {
    expect(() => parseJourneySource('github:heroes/tutorials/../../etc#main', '/home/learner')).toThrow('leads outside what it names');
    expect(() => parseJourneySource('git+file:///srv/t.git#main:../..', '/home/learner')).toThrow('leads outside what it names');
  });
});
