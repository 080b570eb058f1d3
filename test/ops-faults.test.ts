import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config/config.ts';
import { startRuntime } from '../local/runtime.ts';
import { startLocalStack } from './helpers/local-stack.ts';

describe('QDN_FAULTS at start', () => {
  it('switches the listed faults on; /dev/faults lists and clears them', async () => {
    const stack = await startLocalStack({ QDN_FAULTS: 'thumbnail:transient, bus:drop' });
    try {
      expect((await stack.call('GET', '/dev/faults')).body).toEqual({
        faults: ['thumbnail:transient', 'bus:drop'],
      });
      expect((await stack.call('POST', '/dev/faults', { body: { faults: '' } })).body).toEqual({
        faults: [],
      });
      expect((await stack.call('POST', '/dev/faults', { body: { nope: 1 } })).status).toBe(400);
    } finally {
      await stack.stop();
    }
  });

  it('refuses to start on a list it does not understand, naming what is allowed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'qdn-test-'));
    try {
      const config = loadConfig({ PORT: '0', QDN_DATA_DIR: dataDir, QDN_FAULTS: 'thumbnail:drop' });
      await expect(startRuntime(config)).rejects.toThrow(
        /Expected faults as "stage:mode,..." with on-upload:transient, thumbnail:transient, booking:transient, s3-notify:drop, bus:drop but received "thumbnail:drop"/,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
