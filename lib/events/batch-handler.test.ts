import { Logger } from '@aws-lambda-powertools/logger';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/lambda-context.ts';
import type { FailureRecord, FailureRecords } from '../repo/failures.ts';
import { sqsBatchHandler } from './batch-handler.ts';

const record = (id: string, receiveCount = 1): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: id,
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  }) as SQSRecord;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sqsBatchHandler', () => {
  it('reports only the failed records', async () => {
    const handler = sqsBatchHandler(
      async (r) => {
        if (r.body === 'bad') throw new Error('nope');
      },
      new Logger({ logLevel: 'SILENT' }),
    );
    const event: SQSEvent = { Records: [record('ok'), record('bad')] };
    expect(await handler(event, lambdaContext('t', 5))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'bad' }],
    });
  });

  it('keeps concurrent batches apart (the local runtime runs two at once)', async () => {
    const handler = sqsBatchHandler(
      async (r) => {
        if (r.body === 'a1') {
          await sleep(10);
          throw new Error('a1 fails');
        }
        await sleep(r.body === 'a2' ? 100 : 20);
      },
      new Logger({ logLevel: 'SILENT' }),
    );
    const first = handler({ Records: [record('a1'), record('a2')] }, lambdaContext('t', 5));
    await sleep(30);
    const second = handler({ Records: [record('b1')] }, lambdaContext('t', 5));
    expect(await first).toEqual({ batchItemFailures: [{ itemIdentifier: 'a1' }] });
    expect(await second).toEqual({ batchItemFailures: [] });
  });
});

describe('sqsBatchHandler failure policy', () => {
  const silent = new Logger({ logLevel: 'SILENT' });
  const setup = () => {
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const kept: FailureRecord[] = [];
    const givenUp: Array<[string, string]> = [];
    const handler = sqsBatchHandler(
      async (r) => {
        if (r.body.startsWith('bad')) throw new TypeError(`cannot do ${r.body}`);
      },
      silent,
      {
        maxReceiveCount: 3,
        backoffSeconds: [5, 30, 120],
        sqs: { client: new SQSClient({ region: 'us-east-1' }), endpoint: 'http://127.0.0.1:3000' },
        failures: { put: async (f: FailureRecord) => void kept.push(f) } as unknown as FailureRecords,
        onGiveUp: async (r, reason) => void givenUp.push([r.messageId, reason]),
        now: () => Date.parse('2026-12-01T12:00:00Z'),
      },
    );
    return { sqs, kept, givenUp, handler };
  };

  it('sets the per-attempt backoff on the receipt handle and keeps the reason', async () => {
    // Prepare
    const { sqs, kept, givenUp, handler } = setup();
    // Act
    const out = await handler(
      { Records: [record('ok'), record('bad1', 1), record('bad2', 2)] },
      lambdaContext('t', 5),
    );
    // Assess
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad1', 'bad2']);
    const calls = sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(calls).toContainEqual({
      QueueUrl: 'http://127.0.0.1:3000/000000000000/q',
      ReceiptHandle: 'rh-bad1',
      VisibilityTimeout: 5,
    });
    expect(calls).toContainEqual({
      QueueUrl: 'http://127.0.0.1:3000/000000000000/q',
      ReceiptHandle: 'rh-bad2',
      VisibilityTimeout: 30,
    });
    expect(kept).toContainEqual({
      queue: 'q',
      messageId: 'bad2',
      reason: 'TypeError: cannot do bad2',
      receiveCount: 2,
      failedAt: '2026-12-01T12:00:00.000Z',
    });
    expect(givenUp).toEqual([]);
  });

  it('gives up on the last attempt with the reason and lets the message go to the DLQ at once', async () => {
    const { sqs, givenUp, handler } = setup();
    await handler({ Records: [record('bad3', 3)] }, lambdaContext('t', 5));
    expect(givenUp).toEqual([['bad3', 'TypeError: cannot do bad3']]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(0);
  });

  it('still reports the record when keeping the reason or the backoff fails', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('throttled'));
    const handler = sqsBatchHandler(
      async () => {
        throw new Error('boom');
      },
      silent,
      {
        maxReceiveCount: 3,
        backoffSeconds: [5],
        sqs: { client: new SQSClient({ region: 'us-east-1' }) },
        failures: { put: async () => Promise.reject(new Error('table down')) } as unknown as FailureRecords,
      },
    );
    expect(await handler({ Records: [record('x')] }, lambdaContext('t', 5))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'x' }],
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.QueueUrl).toBe(
      'https://sqs.us-east-1.amazonaws.com/000000000000/q',
    );
  });
});
