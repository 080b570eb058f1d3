import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

describe('loadConfig', () => {
  it('gives working defaults for the local runtime', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      runtime: 'local',
      local: { host: '127.0.0.1', port: 3000, dataDir: '.qdn', s3Port: 3001 },
      uploadsBucket: 'qdn-uploads',
      uploads: { maxBytes: 10 * 1024 * 1024, urlTtlSeconds: 900, thumbUrlTtlSeconds: 3600 },
    });
  });

  it('derives a stable local S3 port from PORT unless QDN_S3_PORT says otherwise (issue 11, finding 4)', () => {
    expect(loadConfig({ PORT: '4100' }).local.s3Port).toBe(4101);
    expect(loadConfig({ PORT: '4100', QDN_S3_PORT: '9000' }).local.s3Port).toBe(9000);
    // Tests ask for any free port: the S3 endpoint takes any free port too.
    expect(loadConfig({ PORT: '0' }).local.s3Port).toBe(0);
  });

  it('names every malformed variable and what it expected', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'eighty', QDN_RUNTIME: 'cloud', QDN_WEBP_QUALITY: '0' });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/PORT: .*received "eighty"/);
    expect(error.message).toMatch(/QDN_RUNTIME: .*"local".*"aws".*received "cloud"/);
    expect(error.message).toMatch(/QDN_WEBP_QUALITY: .*received "0"/);
  });

  it('requires the identity settings on AWS', () => {
    expect(() => loadConfig({ QDN_RUNTIME: 'aws' })).toThrow(
      /QDN_JWT_ISSUER: required when QDN_RUNTIME=aws \(not set\)/,
    );
    const config = loadConfig({
      QDN_RUNTIME: 'aws',
      QDN_JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/pool',
      QDN_JWKS_URL: 'https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json',
    });
    expect(config.auth.issuer).toContain('cognito');
  });

  it('refuses local fault injection on AWS and keeps it locally', () => {
    const aws = {
      QDN_RUNTIME: 'aws',
      QDN_JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/pool',
      QDN_JWKS_URL: 'https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json',
    };
    expect(() => loadConfig({ ...aws, QDN_FAULTS: 'thumbnail:transient' })).toThrow(
      /QDN_FAULTS: fault injection is local only; refused when QDN_RUNTIME=aws \(received "thumbnail:transient"\)/,
    );
    expect(loadConfig({ QDN_FAULTS: 'bus:drop' }).local.faults).toBe('bus:drop');
  });

  it('clamps presigned URL lifetimes to one hour', () => {
    const config = loadConfig({ QDN_UPLOAD_URL_TTL_SECONDS: '86400', QDN_THUMB_URL_TTL_SECONDS: '7200' });
    expect(config.uploads.urlTtlSeconds).toBe(3600);
    expect(config.uploads.thumbUrlTtlSeconds).toBe(3600);
  });

  it('gives booking and token-lifetime defaults', () => {
    const config = loadConfig({});
    expect(config.maxTokenLifetimeSeconds).toBe(86_400);
    expect(config.customerAuth).toEqual({ issuer: 'qdn-customer', jwksUrl: undefined, secretArn: undefined });
    expect(config.booking).toMatchObject({ quoteTtlSeconds: 259_200, zelleHoldSeconds: 172_800 });
    expect(() => loadConfig({ QDN_STRIPE_SECRET_KEY: 'pk_live_x' })).toThrow(
      /QDN_STRIPE_SECRET_KEY: expected a Stripe secret key/,
    );
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).local.port).toBe(3000);
  });
});
