import { describe, expect, it } from 'vitest';
import { topology } from '../lib/topology/topology.ts';
import { readSettings } from './settings.ts';

const from = (context: Record<string, unknown>) => readSettings((key) => context[key]);

describe('deployment settings from CDK context', () => {
  it('defaults everything, origins from the topology', () => {
    const s = from({});
    expect(s.stackName).toBe('QuickDumpNow');
    expect(s.dashboardOrigins).toEqual(topology.buckets.uploads.cors[0]?.allowedOrigins);
    expect(s.staffIssuer).toBeUndefined();
  });

  it('takes lists as `-c` text (comma-separated or JSON) and numbers as text', () => {
    expect(from({ dashboardOrigins: 'https://a.example, https://b.example' }).dashboardOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(from({ dashboardOrigins: '["https://c.example"]' }).dashboardOrigins).toEqual([
      'https://c.example',
    ]);
    expect(from({ apiRateLimit: '20' }).apiRateLimit).toBe(20);
  });

  it('names every bad key', () => {
    expect(() => from({ logRetentionDays: '31', apiRateLimit: '-1' })).toThrow(
      /logRetentionDays: expected one of[\s\S]*apiRateLimit:/,
    );
    expect(() => from({ staffIssuer: 'https://idp.example' })).toThrow(
      /staffIssuer: set staffIssuer and staffJwksUrl together[\s\S]*staffAudience: required/,
    );
    expect(() => from({ dashboardOrigins: 'not a url' })).toThrow(/dashboardOrigins/);
  });
});
