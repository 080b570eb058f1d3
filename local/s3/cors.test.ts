import { describe, expect, it } from 'vitest';
import type { CorsRule } from '../../lib/topology/types.ts';
import { corsHeaders, preflight } from './cors.ts';

const RULES: CorsRule[] = [
  {
    allowedOrigins: ['http://127.0.0.1:*', 'https://app.example.com'],
    allowedMethods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'x-amz-*'],
    exposedHeaders: ['ETag'],
    maxAgeSeconds: 600,
  },
];

describe('preflight', () => {
  it('allows an origin matching a one-wildcard pattern, echoing the requested headers', () => {
    const headers = preflight(
      RULES,
      {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Content-Type, X-Amz-Date',
      },
      false,
    );
    expect(headers).toMatchObject({
      'Access-Control-Allow-Origin': 'http://127.0.0.1:5173',
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Allow-Headers': 'content-type, x-amz-date',
      'Access-Control-Max-Age': '600',
      'Access-Control-Expose-Headers': 'ETag',
    });
  });

  it.each([
    ['an unlisted origin', { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' }],
    ['an unlisted method', { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' }],
    [
      'an unlisted header',
      {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    ],
  ])('refuses %s with 403 AccessForbidden', (_name, headers) => {
    expect(() => preflight(RULES, headers, true)).toThrow(/CORSResponse: This CORS request is not allowed/);
  });

  it('refuses every preflight when the bucket has no rules', () => {
    expect(() =>
      preflight([], { origin: 'https://app.example.com', 'access-control-request-method': 'GET' }, true),
    ).toThrow('CORSResponse: CORS is not enabled for this bucket.');
  });
});

describe('corsHeaders', () => {
  it('allows a listed origin and gives no Access-Control-Allow-Origin to others', () => {
    expect(
      corsHeaders(RULES, { origin: 'https://app.example.com' }, 'GET')['Access-Control-Allow-Origin'],
    ).toBe('https://app.example.com');
    expect(corsHeaders(RULES, { origin: 'https://evil.example.com' }, 'GET')).toEqual({
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
    expect(corsHeaders(RULES, {}, 'GET')).toEqual({});
  });
});
