import { describe, expect, it } from 'vitest';
import { hasQuery, parseTarget, queryValue } from './request-target.ts';

describe('parseTarget', () => {
  it('splits a path-style URL into bucket, key and decoded query, a repeated name into an array', () => {
    const target = parseTarget('/bucket/photos/a%20b.jpg?list-type=2&x=1&x=2&flag');
    expect(target).toMatchObject({
      rawPath: '/bucket/photos/a%20b.jpg',
      bucket: 'bucket',
      key: 'photos/a b.jpg',
    });
    expect({ ...target.query }).toEqual({ 'list-type': '2', x: ['1', '2'], flag: '' });
  });

  it('keeps __proto__, constructor and other Object.prototype names as plain parameters', () => {
    // Act
    const target = parseTarget('/b/k?__proto__=p&constructor=c&constructor=d&toString=t');
    // Assess: own parameters, nothing inherited, and no prototype polluted.
    expect(Object.getPrototypeOf(target.query)).toBeNull();
    expect(Object.keys(target.query)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(queryValue(target, '__proto__')).toBe('p');
    expect(target.query.constructor).toEqual(['c', 'd']);
    expect(queryValue(target, 'constructor')).toBe('c');
    expect(queryValue(target, 'toString')).toBe('t');
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('sees no parameter the URL does not name, even one every object inherits', () => {
    const target = parseTarget('/b/k?a=1');
    for (const name of ['hasOwnProperty', 'constructor', '__proto__', 'valueOf']) {
      expect(queryValue(target, name)).toBeUndefined();
      expect(hasQuery(target, name)).toBe(false);
    }
    expect(hasQuery(target, 'a')).toBe(true);
  });
});
