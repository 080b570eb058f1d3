import { describe, expect, it } from 'vitest';
import { parseCopySource } from './copy-source.ts';
import type { S3Error } from './errors.ts';

function errorOf(value: string): S3Error | undefined {
  try {
    parseCopySource(value);
  } catch (error) {
    return error as S3Error;
  }
  return undefined;
}

describe('parseCopySource', () => {
  it.each([
    ['bkt/photos/a.jpg', 'photos/a.jpg'],
    ['/bkt/photos/a.jpg', 'photos/a.jpg'],
    ['bkt/photos/a%20b%2Bc%20%C3%A9.jpg', 'photos/a b+c é.jpg'],
    ['bkt%2Fphotos%2Fa%20b.jpg', 'photos/a b.jpg'],
    // A '+' is a plus: S3 keys may hold one, and SigV4 clients encode a space as %20.
    ['bkt/a+b.jpg', 'a+b.jpg'],
    ['bkt/what%3F.jpg', 'what?.jpg'],
  ])('reads %s', (value, key) => {
    expect(parseCopySource(value)).toEqual({ bucket: 'bkt', key });
  });

  it.each(['bkt', 'bkt/', '/bkt', '/', '', 'bkt/%E0%A4%A'])(
    'refuses %j with 400 InvalidArgument',
    (value) => {
      expect(errorOf(value)).toMatchObject({ code: 'InvalidArgument', status: 400 });
    },
  );

  it('answers a version with 501 NotImplemented', () => {
    expect(errorOf('bkt/a.jpg?versionId=abc')).toMatchObject({ code: 'NotImplemented', status: 501 });
  });
});
