import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { ScheduleSpec } from '../../lib/topology/types.ts';
import type { ScheduledTask } from '../functions.ts';

/** What the scheduler needs: the schedules, the tasks by name, a region and a logger. */
export interface SchedulerOptions {
  schedules: ScheduleSpec[];
  tasks: Map<string, ScheduledTask>;
  region: string;
  log: { error(message: string, extra: Record<string, unknown>): void };
  /** Interval override in milliseconds (tests); default: the schedule's `everyMinutes`. */
  intervalMs?: (schedule: ScheduleSpec) => number;
}

/**
 * Runs each scheduled task on its interval, as an EventBridge schedule would on AWS: one run at a
 * time per task (a slow run is not overlapped), errors logged and the next run still happens.
 */
export class Scheduler {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #running = new Map<string, Promise<unknown>>();

  constructor(private readonly options: SchedulerOptions) {}

  /** Starts every schedule whose task exists. */
  start(): void {
    for (const schedule of this.options.schedules) {
      if (!this.options.tasks.has(schedule.task)) continue;
      const ms = this.options.intervalMs?.(schedule) ?? schedule.everyMinutes * 60_000;
      const timer = setInterval(() => void this.run(schedule.task), ms);
      timer.unref();
      this.#timers.push(timer);
    }
  }

  /** Runs one task now (unless a run of it is under way); resolves when it ends. */
  async run(task: string): Promise<void> {
    const fn = this.options.tasks.get(task);
    if (!fn)
      throw new Error(
        `Expected a scheduled task of ${[...this.options.tasks.keys()].join(', ')} but received "${task}"`,
      );
    const current = this.#running.get(task);
    if (current) {
      await current;
      return;
    }
    const run = fn(scheduledEvent(this.options.region, task))
      .catch((error) => this.options.log.error('scheduled task failed', { task, error: String(error) }))
      .finally(() => this.#running.delete(task));
    this.#running.set(task, run);
    await run;
  }

  /** Stops the timers and waits for runs under way. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await Promise.all(this.#running.values());
  }
}

function scheduledEvent(region: string, task: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/qdn-${task}`],
    detail: {},
  };
}
