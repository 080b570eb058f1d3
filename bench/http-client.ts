import { randomBytes } from 'node:crypto';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** A response read whole. */
export interface BenchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The benchmark's HTTP client: `node:http` over one keep-alive agent, bodies sent as ready
 * Buffers with a Content-Length. It stands for a cheap, realistic uploader (a phone sends bytes it
 * already holds), so that what the bench measures is the runtime and not the client's own
 * overhead (`fetch` + `FormData` streamed every 3.3 MB body through web streams).
 */
export class BenchClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

  /** Sends one request and reads the whole answer. */
  send(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<BenchResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.#agent,
          headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POSTs a JSON body; resolves with the status and the parsed answer. */
  async postJson<T>(
    url: string,
    value: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: T; text: string }> {
    const res = await this.send(
      'POST',
      url,
      { ...headers, 'content-type': 'application/json' },
      Buffer.from(JSON.stringify(value)),
    );
    const text = res.body.toString('utf8');
    let json: T;
    try {
      json = JSON.parse(text) as T;
    } catch {
      json = undefined as T;
    }
    return { status: res.status, json, text };
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}

/**
 * A `multipart/form-data` body as one Buffer: the POST policy's fields in order, then the file
 * last (S3 ignores fields after the file), as a browser form would send it.
 */
export function multipartBody(
  fields: Record<string, string>,
  file: Buffer,
  contentType: string,
  filename: string,
): { body: Buffer; contentType: string } {
  const boundary = `----qdnbench${randomBytes(12).toString('hex')}`;
  let head = '';
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head, 'utf8'), file, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
