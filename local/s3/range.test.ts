import { describe, expect, it } from 'vitest';
import { resolveRange } from './range.ts';

describe('resolveRange', () => {
  it.each([
    ['bytes=0-0', { kind: 'partial', start: 0, end: 0 }],
    ['bytes=2-5', { kind: 'partial', start: 2, end: 5 }],
    ['bytes=8-100', { kind: 'partial', start: 8, end: 9 }],
    ['bytes=7-', { kind: 'partial', start: 7, end: 9 }],
    ['bytes=-3', { kind: 'partial', start: 7, end: 9 }],
    ['bytes=-30', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=10-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'full' }],
    ['bytes=0-1,4-5', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
  ])('reads %s against 10 bytes', (header, expected) => {
    expect(resolveRange(header, 10)).toEqual(expected);
  });

  it('has nothing to serve from an empty object', () => {
    expect(resolveRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveRange(undefined, 0)).toEqual({ kind: 'full' });
  });
});
