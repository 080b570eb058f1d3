import type { IncomingMessage } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../s3/sha256.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';
import { AwsAuthError, createRequestVerifier } from './verify-request.ts';

/** A JSON-protocol request signed as the SDK signs one (`service`), as the server receives it. */
async function signed(service: string, body: string, signingDate = new Date()) {
  const signer = new SignatureV4({
    credentials: LOCAL_CREDENTIALS,
    region: 'us-east-1',
    service,
    sha256: Sha256,
  });
  const request = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/',
      headers: {
        host: '127.0.0.1:4566',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.SendMessage',
      },
      body,
    }),
    { signingDate },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', url: '/', headers } as unknown as IncomingMessage;
}

async function refusal(call: Promise<unknown>): Promise<AwsAuthError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsAuthError);
  return error as AwsAuthError;
}

describe('createRequestVerifier: the one SigV4 check of every local JSON endpoint', () => {
  const verify = createRequestVerifier({
    service: 'sqs',
    region: 'us-east-1',
    credentials: [LOCAL_CREDENTIALS],
  });
  const body = '{"QueueUrl":"q","MessageBody":"hello"}';

  it('accepts a request signed for its service over the body received', async () => {
    expect(await verify(await signed('sqs', body), Buffer.from(body))).toEqual({ accessKeyId: 'qdnlocal' });
  });

  it('refuses another body, another service, a stale signature and no signature', async () => {
    const tampered = await refusal(
      verify(await signed('sqs', body), Buffer.from(body.replace('hello', 'HELLO'))),
    );
    expect(tampered.type).toBe('InvalidSignatureException');
    const otherService = await refusal(verify(await signed('events', body), Buffer.from(body)));
    expect(otherService.type).toBe('IncompleteSignatureException');
    const stale = await refusal(
      verify(await signed('sqs', body, new Date(Date.now() - 3_600_000)), Buffer.from(body)),
    );
    expect(stale.type).toBe('InvalidSignatureException');
    const none = await refusal(
      verify({ method: 'POST', url: '/', headers: {} } as IncomingMessage, Buffer.from(body)),
    );
    expect(none).toMatchObject({ type: 'MissingAuthenticationTokenException', status: 403 });
    expect(none.body()).toEqual({ __type: 'MissingAuthenticationTokenException', message: none.message });
  });
});
