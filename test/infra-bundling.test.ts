import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NATIVE_PACKAGES,
  PipelineFunction,
  RUNTIME_FILES,
  runtimeNamed,
} from '../infra/constructs/pipeline-function.ts';
import { topology } from '../lib/topology/topology.ts';

// Real bundling with the local esbuild (no Docker): presign as a plain ESM bundle, thumbnail with
// sharp and heic-decode installed by npm for linux-arm64 beside it. npm reads the arm64 binaries
// from its cache after the first run (prefer-offline); the first run fetches them.
let outdir: string;
let assets: Record<string, string>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'qdn-bundle-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundling');
  const runtime = runtimeNamed(topology.lambdaRuntime);
  const made: Record<string, PipelineFunction> = {};
  for (const name of ['presign', 'thumbnail'] as const) {
    const spec = topology.functions[name];
    made[name] = new PipelineFunction(stack, name, {
      folder: name,
      handlerExport: 'handler',
      runtime,
      memoryMb: spec.memoryMb,
      timeoutSeconds: spec.timeoutSeconds,
      environment: {},
      logRetentionDays: 1,
      description: name,
    });
  }
  const template = Template.fromStack(stack).toJSON();
  const resources = template.Resources as Record<string, { Properties: { Code?: { S3Key?: string } } }>;
  assets = {};
  for (const [name, fn] of Object.entries(made)) {
    const id = stack.resolve((fn.fn.node.defaultChild as CfnResource).logicalId) as string;
    // The code's S3 key is `<asset hash>.zip`; the staged folder is `asset.<hash>`.
    const key = resources[id]?.Properties.Code?.S3Key;
    if (!key) throw new Error(`no code asset for ${name}`);
    assets[name] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  }
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('esbuild bundles', () => {
  it('writes presign as one ESM file that loads and exports its handler', async () => {
    const file = join(assets.presign as string, 'index.mjs');
    const code = readFileSync(file, 'utf8');
    expect(code).toMatch(/^import\{createRequire as|^import \{ createRequire as/);
    expect(code).not.toMatch(/\bmodule\.exports\s*=/);
    // Bundled, SDK included: nothing is left to resolve from node_modules.
    expect(existsSync(join(assets.presign as string, 'node_modules'))).toBe(false);
    // The handler reads its config at import, as on Lambda: give it the AWS settings, then restore.
    const saved = { ...process.env };
    Object.assign(process.env, {
      QDN_RUNTIME: 'aws',
      QDN_JWT_ISSUER: 'https://issuer.example',
      QDN_JWKS_URL: 'https://issuer.example/jwks.json',
    });
    try {
      const mod = (await import(file)) as { handler: unknown };
      expect(typeof mod.handler).toBe('function');
    } finally {
      process.env = saved;
    }
  });

  it('leaves sharp and heic-decode out of the thumbnail bundle and installs them for linux-arm64', () => {
    expect(NATIVE_PACKAGES.thumbnail).toEqual(['sharp', 'heic-decode']);
    const dir = assets.thumbnail as string;
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*"sharp"/);
    expect(code).toMatch(/from\s*"heic-decode"/);
    const modules = join(dir, 'node_modules');
    expect(existsSync(join(modules, 'sharp', 'package.json'))).toBe(true);
    expect(existsSync(join(modules, 'heic-decode', 'package.json'))).toBe(true);
    expect(existsSync(join(modules, '@img', 'sharp-linux-arm64', 'package.json'))).toBe(true);
    // The HEIC worker thread's file sits where the bundle looks for it, and loads heic-decode from
    // the installed node_modules.
    expect(RUNTIME_FILES.thumbnail).toEqual(['lib/image/heic-worker.mjs']);
    expect(code).toContain('heic-worker.mjs');
    const worker = readFileSync(join(dir, 'heic-worker.mjs'), 'utf8');
    expect(worker).toBe(
      readFileSync(join(import.meta.dirname, '..', 'lib', 'image', 'heic-worker.mjs'), 'utf8'),
    );
    expect(existsSync(join(modules, '@img', 'sharp-libvips-linux-arm64', 'package.json'))).toBe(true);
    // This host's binaries must not ride along.
    expect(existsSync(join(modules, '@img', 'sharp-linux-x64'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['heic-decode', 'sharp']);
  });
});
