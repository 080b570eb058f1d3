import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { PeekedQueueMessage, QueueAdmin, QueueStats, RedriveResult } from './queue-admin.ts';

/** A DLQ browse reads at most this many rounds past the last new message (SQS samples servers). */
const EMPTY_ROUNDS = 2;

/**
 * {@link QueueAdmin} on SQS. Counts come from `GetQueueAttributes`; a DLQ is browsed with
 * `ReceiveMessage` and `VisibilityTimeout: 0`, so its messages stay visible (a DLQ has no redrive
 * policy of its own, so the extra receive moves nothing). A source queue is never peeked: each
 * receive would count against its `maxReceiveCount`, so its oldest age is left to CloudWatch's
 * `ApproximateAgeOfOldestMessage` (null here). Redrive is a message move task.
 */
export class SqsQueueAdmin implements QueueAdmin {
  readonly #urls = new Map<string, Promise<string>>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly now: () => number = Date.now,
  ) {}

  async stats(queue: string, options: { oldest: boolean }): Promise<QueueStats> {
    const out = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: await this.#url(queue),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const visible = Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
    let oldestAgeSeconds: number | null = null;
    if (options.oldest) {
      const messages = visible > 0 ? await this.peek(queue, 10) : [];
      const oldest = Math.min(...messages.map((m) => m.sentTimestamp));
      oldestAgeSeconds = messages.length ? Math.max(0, Math.floor((this.now() - oldest) / 1000)) : 0;
    }
    return {
      visible,
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      oldestAgeSeconds,
    };
  }

  async peek(queue: string, limit: number): Promise<PeekedQueueMessage[]> {
    const url = await this.#url(queue);
    const seen = new Map<string, PeekedQueueMessage>();
    let empty = 0;
    while (seen.size < limit && empty < EMPTY_ROUNDS) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, limit - seen.size),
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      );
      let fresh = 0;
      for (const m of out.Messages ?? []) {
        if (!m.MessageId || seen.has(m.MessageId)) continue;
        fresh++;
        seen.set(m.MessageId, {
          messageId: m.MessageId,
          body: m.Body ?? '',
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
          sentTimestamp: Number(m.Attributes?.SentTimestamp ?? 0),
        });
      }
      empty = fresh === 0 ? empty + 1 : 0;
    }
    return [...seen.values()].sort((a, b) => a.sentTimestamp - b.sentTimestamp);
  }

  async redrive(deadLetterQueue: string): Promise<RedriveResult> {
    const attrs = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: await this.#url(deadLetterQueue),
        AttributeNames: ['QueueArn'],
      }),
    );
    const sourceArn = attrs.Attributes?.QueueArn;
    if (!sourceArn) throw new Error(`Expected a QueueArn for ${deadLetterQueue} but received none`);
    // Without a DestinationArn each message goes back to the queue it was dead-lettered from.
    const started = await this.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn }));
    const tasks = await this.sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }),
    );
    const task = tasks.Results?.find((t) => t.TaskHandle === started.TaskHandle) ?? tasks.Results?.[0];
    return { taskId: started.TaskHandle ?? '', status: task?.Status ?? 'RUNNING' };
  }

  async send(queue: string, body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: await this.#url(queue), MessageBody: body }));
  }

  #url(queue: string): Promise<string> {
    let url = this.#urls.get(queue);
    if (!url) {
      url = this.sqs.send(new GetQueueUrlCommand({ QueueName: queue })).then((out) => {
        if (!out.QueueUrl) throw new Error(`Expected a URL for queue ${queue} but received none`);
        return out.QueueUrl;
      });
      // A failed lookup is not cached: the next call asks again.
      url.catch(() => this.#urls.delete(queue));
      this.#urls.set(queue, url);
    }
    return url;
  }
}
