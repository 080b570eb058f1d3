import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/config.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../local/runtime.ts';

/** A local runtime on free ports with a temporary data folder, and helpers to use it. */
export interface LocalStack {
  runtime: Runtime;
  api: string;
  /** A token for a seeded user. */
  token(sub: string, role: 'admin' | 'crew' | 'customer'): Promise<string>;
  /** Calls the API with a bearer token and a JSON body; returns status and parsed body. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions.
  ): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** Starts the runtime for a test file; `env` overrides settings. */
export async function startLocalStack(
  env: Record<string, string> = {},
  options: RuntimeOptions = {},
): Promise<LocalStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'qdn-test-'));
  const config = loadConfig({ PORT: '0', QDN_DATA_DIR: dataDir, QDN_LOG_LEVEL: 'error', ...env });
  const runtime = await startRuntime(config, options);
  const api = runtime.urls.api;
  const call: LocalStack['call'] = async (method, path, opts = {}) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    runtime,
    api,
    call,
    token: async (sub, role) => {
      const out = await call('POST', '/dev/token', { body: { sub, role } });
      if (out.status !== 200) throw new Error(`token for ${sub}: ${out.status} ${JSON.stringify(out.body)}`);
      return out.body.token as string;
    },
    stop: async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Posts a file to a presigned POST as a browser would: the fields, then the file last. */
export async function postToS3(
  grant: { url: string; fields: Record<string, string> },
  data: Uint8Array,
  contentType: string,
  filename = 'photo.jpg',
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
  form.append('file', new Blob([Buffer.from(data)], { type: contentType }), filename);
  return fetch(grant.url, { method: 'POST', body: form });
}
