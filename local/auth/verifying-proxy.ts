import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsAuthError, type RequestVerifier } from './verify-request.ts';

/** DynamoDB's largest request (BatchWriteItem) is 16 MB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new AwsAuthError('RequestEntityTooLarge', `Expected at most ${MAX_BODY_BYTES} bytes`, 413));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Puts the shared SigV4 check in front of a local endpoint that does not verify signatures
 * itself (dynalite only checks that they are there): each request is read, verified, and only
 * then passed on, unchanged, to `upstream`. Listens on `host`, a free port.
 */
export async function startVerifyingProxy(options: {
  host: string;
  upstream: { host: string; port: number };
  verify: RequestVerifier;
  contentType: string;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const refuse = (status: number, body: unknown) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(status, { 'content-type': options.contentType });
      res.end(JSON.stringify(body));
    };
    readBody(req)
      .then(async (body) => {
        await options.verify(req, body);
        const upstream = request(
          { ...options.upstream, agent, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', (error) => refuse(502, { __type: 'InternalFailure', message: error.message }));
        upstream.end(body);
      })
      .catch((error: unknown) => {
        if (error instanceof AwsAuthError) return refuse(error.status, error.body());
        refuse(500, { __type: 'InternalFailure', message: 'The request could not be checked.' });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
