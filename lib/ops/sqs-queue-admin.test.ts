import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsQueueAdmin } from './sqs-queue-admin.ts';

const sqs = mockClient(SQSClient);
const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/qdn-thumbnails-dlq';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:qdn-thumbnails-dlq';
const NOW = Date.parse('2026-12-01T12:00:00Z');

const message = (id: string, sentSecondsAgo: number, count = 3) => ({
  MessageId: id,
  Body: `{"id":"${id}"}`,
  ReceiptHandle: `rh-${id}`,
  Attributes: { ApproximateReceiveCount: String(count), SentTimestamp: String(NOW - sentSecondsAgo * 1000) },
});

beforeEach(() => {
  sqs.reset();
  sqs.on(GetQueueUrlCommand, { QueueName: 'qdn-thumbnails-dlq' }).resolves({ QueueUrl: DLQ_URL });
});

describe('SqsQueueAdmin', () => {
  it('counts with GetQueueAttributes and never peeks a source queue', async () => {
    // Prepare
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'qdn-thumbnails' })
      .resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/qdn-thumbnails' });
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '2' },
    });
    const admin = new SqsQueueAdmin(new SQSClient({ region: 'us-east-1' }), () => NOW);
    // Act
    const stats = await admin.stats('qdn-thumbnails', { oldest: false });
    // Assess
    expect(stats).toEqual({ visible: 4, inFlight: 2, oldestAgeSeconds: null });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/qdn-thumbnails',
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  it('browses a DLQ with VisibilityTimeout 0, de-duplicating what SQS returns twice', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('m2', 60), message('m1', 600)] })
      .resolvesOnce({ Messages: [message('m1', 600), message('m3', 30)] })
      .resolves({ Messages: [message('m1', 600)] });
    const admin = new SqsQueueAdmin(new SQSClient({ region: 'us-east-1' }), () => NOW);
    // Act
    const peeked = await admin.peek('qdn-thumbnails-dlq', 25);
    // Assess
    expect(peeked.map((m) => m.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(peeked[0]).toEqual({
      messageId: 'm1',
      body: '{"id":"m1"}',
      receiveCount: 3,
      sentTimestamp: NOW - 600_000,
    });
    for (const call of sqs.commandCalls(ReceiveMessageCommand)) {
      expect(call.args[0].input).toMatchObject({
        QueueUrl: DLQ_URL,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      });
    }
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.MaxNumberOfMessages).toBe(10);
    // The queue URL is looked up once.
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(1);
  });

  it("reads a DLQ's oldest age from its messages", async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '0' },
    });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message('a', 90), message('b', 45)] });
    const admin = new SqsQueueAdmin(new SQSClient({ region: 'us-east-1' }), () => NOW);
    expect(await admin.stats('qdn-thumbnails-dlq', { oldest: true })).toEqual({
      visible: 2,
      inFlight: 0,
      oldestAgeSeconds: 90,
    });
  });

  it('redrives with a message move task back to the source queue and reports its status', async () => {
    // Prepare
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL, AttributeNames: ['QueueArn'] })
      .resolves({ Attributes: { QueueArn: DLQ_ARN } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        { TaskHandle: 'task-1', Status: 'RUNNING', SourceArn: DLQ_ARN, ApproximateNumberOfMessagesToMove: 3 },
      ],
    });
    const admin = new SqsQueueAdmin(new SQSClient({ region: 'us-east-1' }), () => NOW);
    // Act
    const result = await admin.redrive('qdn-thumbnails-dlq');
    // Assess
    expect(result).toEqual({ taskId: 'task-1', status: 'RUNNING' });
    // No DestinationArn: each message returns to the queue it was dead-lettered from.
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({ SourceArn: DLQ_ARN });
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      MaxResults: 1,
    });
  });

  it('sends a message to a queue by name', async () => {
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'qdn-uploads' })
      .resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/qdn-uploads' });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'x' });
    const admin = new SqsQueueAdmin(new SQSClient({ region: 'us-east-1' }));
    await admin.send('qdn-uploads', '{"Records":[]}');
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/qdn-uploads',
      MessageBody: '{"Records":[]}',
    });
  });
});
