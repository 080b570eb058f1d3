import { describe, expect, it } from 'vitest';
import { formatByteSize } from './byte-size.ts';

describe('formatByteSize (issue 11, finding 6)', () => {
  it('writes sizes in plain words', () => {
    expect(formatByteSize(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatByteSize(10 * 1024 * 1024 + 1)).toBe('10 MB');
    expect(formatByteSize(13_000_000)).toBe('12.4 MB');
    expect(formatByteSize(2500)).toBe('2.4 KB');
    expect(formatByteSize(1)).toBe('1 byte');
    expect(formatByteSize(0)).toBe('0 bytes');
  });
});
