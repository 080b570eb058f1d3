import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Config } from '../config/config.ts';
import type { EventClaim, PhotoTransitions } from '../repo/photo-transitions.ts';
import { emitEvent } from './domain-events.ts';
import { leaseOwnerFor } from './lease-owner.ts';

/** What emitting a photo's event needs. */
export interface EmitDeps {
  transitions: PhotoTransitions;
  events: EventBridgeClient;
  busName: string;
  leaseMs: number;
  /** Set where a claim left by another process may be taken over at once (see lease-owner.ts). */
  leaseOwner?: string;
}

/** A stage's emit settings: its config's bus, a lease of `leaseMs`, and the lease owner of this runtime. */
export function stageEmitDeps(
  deps: {
    transitions: PhotoTransitions;
    events: EventBridgeClient;
    config: Pick<Config, 'eventBusName' | 'runtime'>;
  },
  leaseMs: number,
): EmitDeps {
  const leaseOwner = leaseOwnerFor(deps.config);
  return {
    transitions: deps.transitions,
    events: deps.events,
    busName: deps.config.eventBusName,
    leaseMs,
    ...(leaseOwner === undefined ? {} : { leaseOwner }),
  };
}

/** The claim to emit `marker` that a state write takes now, as `emit`'s lease owner (see EventClaim). */
export function claimNow(emit: EmitDeps, marker: string): EventClaim {
  return { marker, at: Date.now(), ...(emit.leaseOwner === undefined ? {} : { owner: emit.leaseOwner }) };
}

/**
 * Emits a photo's domain event once per object version. A duplicate delivery finds the claim
 * taken (or the event sent) and emits nothing; a failed put gives the claim back and throws, so
 * the retry emits it; a claim left by a crashed holder expires after `leaseMs`, so the retry
 * (which comes after the visibility timeout, longer than the lease) takes it over — at once
 * where `leaseOwner` says claims of other processes are a crashed run's (the embedded runtime).
 */
export async function emitOnce(
  deps: EmitDeps,
  photo: { jobId: string; photoId: string; sequencer: string },
  detailType: string,
  detail: object,
): Promise<boolean> {
  if (!(await deps.transitions.claimEvent(photo, detailType, deps.leaseMs, Date.now(), deps.leaseOwner))) {
    return false;
  }
  await emitClaimed(deps, photo, detailType, detail);
  return true;
}

/**
 * Puts an event whose claim this delivery already holds (taken with the state write, see
 * `EventClaim`), then marks it sent; a failed put gives the claim back and throws, as in
 * `emitOnce`.
 */
export async function emitClaimed(
  deps: EmitDeps,
  photo: { jobId: string; photoId: string; sequencer: string },
  detailType: string,
  detail: object,
): Promise<void> {
  try {
    await emitEvent(deps.events, deps.busName, detailType, detail);
  } catch (error) {
    await deps.transitions.releaseEvent(photo, detailType).catch(() => undefined);
    throw error;
  }
  await deps.transitions.markEventSent(photo, detailType);
}
