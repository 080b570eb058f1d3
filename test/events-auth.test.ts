import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../lib/topology/topology.ts';
import { LOCAL_CREDENTIALS } from '../local/runtime.ts';
import { type LocalStack, startLocalStack } from './helpers/local-stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  // No pollers: a forged event that got in would wait in the queue, where the test can see it.
  stack = await startLocalStack({}, { pollers: false });
});
afterAll(() => stack?.stop());

const forged = {
  Source: 'qdn.photos',
  DetailType: 'photo.received',
  Detail: JSON.stringify({ job_id: 'job-demo-1', photo_id: '01JD3ZQ4X6V8Y9ZAB7C5D2E000', key: 'photos/x' }),
  EventBusName: topology.bus.name,
};

function waiting(): number {
  return stack.runtime.queues.counts(topology.queues.thumbnails.name).visible;
}

function bus(credentials: { accessKeyId: string; secretAccessKey: string }) {
  return new EventBridgeClient({ region: 'us-east-1', endpoint: stack.api, credentials, maxAttempts: 1 });
}

describe('the local event bus verifies SigV4 like the S3 endpoint (issue 11, finding 4)', () => {
  it('refuses an unsigned PutEvents on the API port and delivers nothing', async () => {
    const before = waiting();
    const res = await fetch(stack.api, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Entries: [forged] }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
    expect(waiting()).toBe(before);
  });

  it('refuses a wrong secret and an unknown key, and accepts the local credentials', async () => {
    const before = waiting();
    const wrongSecret = bus({ ...LOCAL_CREDENTIALS, secretAccessKey: 'guessed' });
    await expect(wrongSecret.send(new PutEventsCommand({ Entries: [forged] }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const unknown = bus({ accessKeyId: 'someone', secretAccessKey: 'else' });
    await expect(unknown.send(new PutEventsCommand({ Entries: [forged] }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    expect(waiting()).toBe(before);
    const signed = bus(LOCAL_CREDENTIALS);
    const out = await signed.send(new PutEventsCommand({ Entries: [forged] }));
    expect(out.FailedEntryCount).toBe(0);
    expect(waiting()).toBe(before + 1);
    for (const c of [wrongSecret, unknown, signed]) c.destroy();
  });

  it('refuses a signed request whose body was changed on the way', async () => {
    const before = waiting();
    const client = bus(LOCAL_CREDENTIALS);
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string | Uint8Array };
        const text =
          typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
        // Same length: the Content-Length the SDK computed still holds.
        request.body = text.replace('job-demo-1', 'job-demo-2');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamperAfterSigning' },
    );
    await expect(client.send(new PutEventsCommand({ Entries: [forged] }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    expect(waiting()).toBe(before);
    client.destroy();
  });
});

describe('the local DynamoDB verifies SigV4 with the same verifier (issue 11, finding 4)', () => {
  const dynamo = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: stack.runtime.urls.dynamodb,
      credentials,
      maxAttempts: 1,
    });

  it('refuses unsigned, wrongly signed and unknown-key requests, and serves the local credentials', async () => {
    const unsigned = await fetch(stack.runtime.urls.dynamodb, {
      method: 'POST',
      headers: {
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    const wrong = dynamo({ ...LOCAL_CREDENTIALS, secretAccessKey: 'guessed' });
    await expect(wrong.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const unknown = dynamo({ accessKeyId: 'someone', secretAccessKey: 'else' });
    await expect(unknown.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const local = dynamo(LOCAL_CREDENTIALS);
    expect((await local.send(new ListTablesCommand({}))).TableNames).toContain(
      stack.runtime.functionConfig.tableName,
    );
    for (const c of [wrong, unknown, local]) c.destroy();
  });
});
