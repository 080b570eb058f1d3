import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BusRule, QueueId } from '../../lib/topology/types.ts';

/** The event bus and one rule per topology rule, each sending its events to its queue. */
export class PipelineBus extends Construct {
  /** The pipeline's event bus. */
  readonly bus: events.EventBus;

  constructor(
    scope: Construct,
    id: string,
    props: { name: string; rules: BusRule[]; queues: Record<QueueId, sqs.IQueue> },
  ) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: props.name });
    for (const rule of props.rules) {
      new events.Rule(this, `Rule-${rule.name}`, {
        ruleName: rule.name,
        eventBus: this.bus,
        eventPattern: { source: [rule.source], detailType: rule.detailTypes },
        targets: [new targets.SqsQueue(props.queues[rule.targetQueue])],
      });
    }
  }
}
