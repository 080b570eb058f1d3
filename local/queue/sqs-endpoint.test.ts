import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiptHandleIsInvalid,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../auth/local-credentials.ts';
import { QueueStore } from './queue-store.ts';
import { handleSqsRequest } from './sqs-endpoint.ts';

let now = 1_000_000;
const store = new QueueStore({ path: ':memory:', now: () => now });
store.define({ name: 'work', visibilityTimeoutSeconds: 300, retentionSeconds: 3600 });
let server: Server;
let url = '';
let sqs: SQSClient;
const options = { store, baseUrl: () => url, region: 'us-east-1' };

beforeAll(async () => {
  server = createServer((req, res) => {
    void handleSqsRequest(options, req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(() => {
  sqs.destroy();
  server.close();
  store.close();
});

describe('the local SQS JSON endpoint', () => {
  it('refuses a request signed with credentials it does not know, and an unsigned one', async () => {
    const stranger = new SQSClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    await expect(stranger.send(new GetQueueUrlCommand({ QueueName: 'work' }))).rejects.toThrow();
    stranger.destroy();
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.GetQueueUrl', 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ QueueName: 'work' }),
    });
    expect(unsigned.status).toBe(403);
  });

  it('serves GetQueueUrl and ChangeMessageVisibility to the real SDK client', async () => {
    // Prepare
    store.send('work', 'hello');
    const [message] = store.receive('work', 1);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'work' }));
    expect(QueueUrl).toBe(`${url}/000000000000/work`);
    // Act: a 5 s backoff instead of the 300 s timeout.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: message?.receiptHandle,
        VisibilityTimeout: 5,
      }),
    );
    // Assess
    now += 4000;
    expect(store.receive('work', 1)).toHaveLength(0);
    now += 1000;
    expect(store.receive('work', 1)).toHaveLength(1);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessagesNotVisible: '1' });
  });

  it("answers a stale receipt handle with SQS's error", async () => {
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: `${url}/000000000000/work`,
          ReceiptHandle: 'nope',
          VisibilityTimeout: 1,
        }),
      ),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });
});
