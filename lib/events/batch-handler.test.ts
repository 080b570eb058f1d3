import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/lambda-context.ts';
import { sqsBatchHandler } from './batch-handler.ts';

const record = (id: string): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: id,
    attributes: { ApproximateReceiveCount: '1' },
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
