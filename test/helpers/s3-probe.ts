import type { S3Client } from '@aws-sdk/client-s3';

/** What a probe saw of one S3 client's GetObject calls, and a fault to inject. */
export interface S3Probe {
  gets: Array<{ key: string; range: string | undefined; bytes: number }>;
  /** Fails the next `n` GetObject calls with a 503 SlowDown (outside the SDK's own retries). */
  failNextGets(n: number): void;
  reset(): void;
}

/** Adds middleware that records GetObject ranges and response sizes and can inject 503s. */
export function probeS3(s3: S3Client): S3Probe {
  let failures = 0;
  const probe: S3Probe = {
    gets: [],
    failNextGets: (n) => {
      failures = n;
    },
    reset: () => {
      probe.gets.length = 0;
      failures = 0;
    },
  };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetObjectCommand' && failures > 0) {
        failures--;
        throw Object.assign(new Error('Please reduce your request rate.'), {
          name: 'SlowDown',
          $metadata: { httpStatusCode: 503 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'testFaults' },
  );
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'GetObjectCommand') {
        const request = args.request as { path?: string; headers?: Record<string, string> };
        const response = out.response as { headers?: Record<string, string> };
        probe.gets.push({
          key: decodeURIComponent(request.path ?? ''),
          range: request.headers?.range,
          bytes: Number(response.headers?.['content-length'] ?? 0),
        });
      }
      return out;
    },
    { step: 'finalizeRequest', name: 'testProbe' },
  );
  return probe;
}
