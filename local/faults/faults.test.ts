import { describe, expect, it } from 'vitest';
import { FaultSpecError, TransientFaultError } from './errors.ts';
import { FaultSwitch, parseFaults } from './faults.ts';

describe('parseFaults', () => {
  it('reads a list of stage:mode entries and an empty list', () => {
    expect(parseFaults('thumbnail:transient, s3-notify:drop')).toEqual(['thumbnail', 's3-notify']);
    expect(parseFaults('')).toEqual([]);
  });

  it.each(['thumbnail:drop', 'bus:transient', 'presign:transient', 'thumbnail', 'a:b:c'])(
    'refuses %s, naming what is allowed',
    (spec) => {
      expect(() => parseFaults(spec)).toThrow(FaultSpecError);
      expect(() => parseFaults(spec)).toThrow(/thumbnail:transient.*s3-notify:drop/);
    },
  );
});

describe('FaultSwitch', () => {
  it('throws a retryable error for a faulted stage until cleared', () => {
    const faults = new FaultSwitch('thumbnail:transient,bus:drop');
    expect(() => faults.check('thumbnail')).toThrow(TransientFaultError);
    expect(() => faults.check('on-upload')).not.toThrow();
    expect(faults.drops('bus')).toBe(true);
    expect(faults.drops('s3-notify')).toBe(false);
    expect(faults.set('')).toEqual([]);
    expect(() => faults.check('thumbnail')).not.toThrow();
  });
});
