import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../lib/aws/clients.ts';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

let stack: LocalStack;
let clients: AwsClients;
let crew: string;

beforeAll(async () => {
  stack = await startLocalStack({ QDN_MAX_UPLOAD_BYTES: String(20 * 1024) });
  clients = createAwsClients(stack.runtime.functionConfig);
  crew = await stack.token('crew-demo', 'crew');
});
afterAll(async () => {
  clients?.s3.destroy();
  clients?.dynamo.destroy();
  await stack?.stop();
});

describe('user-facing reasons are plain words (issue 11, finding 6)', () => {
  it('refuses a declared oversize upload as "larger than 20 KB", not in raw byte counts', async () => {
    const answer = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'big.jpg', content_type: 'image/jpeg', size: 30_000 },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toContain('larger than 20 KB');
    expect(answer.body.error.message).not.toMatch(/\d{5,}/);
  });

  it('gives an oversize object that reached on-upload a reason in plain words', async () => {
    const grant = await stack.call('POST', '/upload-url', {
      token: crew,
      body: { job_id: 'job-demo-1', filename: 'big.jpg', content_type: 'image/jpeg' },
    });
    // Written past the grant (as a tool with the bucket's keys could): on-upload still checks it.
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: stack.runtime.functionConfig.uploadsBucket,
        Key: grant.body.key,
        Body: Buffer.alloc(30_000, 1),
        ContentType: 'image/jpeg',
      }),
    );
    let photo: { status: string; reason: string | null } | undefined;
    await expect
      .poll(
        async () => {
          const list = await stack.call('GET', '/list-photos?job_id=job-demo-1', { token: crew });
          photo = list.body.photos.find((p: { photo_id: string }) => p.photo_id === grant.body.photo_id);
          return photo?.status;
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBe('rejected');
    expect(photo?.reason).toContain('larger than 20 KB');
    expect(photo?.reason).not.toMatch(/\d{5,}/);
  });
});
