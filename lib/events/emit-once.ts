import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PhotoTransitions } from '../repo/photo-transitions.ts';
import { emitEvent } from './domain-events.ts';

/**
 * Emits a photo's domain event once per object version. A duplicate delivery finds the claim
 * taken (or the event sent) and emits nothing; a failed put gives the claim back and throws, so
 * the retry emits it; a claim left by a crashed holder expires after `leaseMs`, so the retry
 * (which comes after the visibility timeout, longer than the lease) takes it over — at once
 * where `leaseOwner` says claims of other processes are a crashed run's (the embedded runtime).
 */
export async function emitOnce(
  deps: {
    transitions: PhotoTransitions;
    events: EventBridgeClient;
    busName: string;
    leaseMs: number;
    /** Set where a claim left by another process may be taken over at once (see lease-owner.ts). */
    leaseOwner?: string;
  },
  photo: { jobId: string; photoId: string; sequencer: string },
  detailType: string,
  detail: object,
): Promise<boolean> {
  const { transitions } = deps;
  if (!(await transitions.claimEvent(photo, detailType, deps.leaseMs, Date.now(), deps.leaseOwner))) {
    return false;
  }
  try {
    await emitEvent(deps.events, deps.busName, detailType, detail);
  } catch (error) {
    await transitions.releaseEvent(photo, detailType).catch(() => undefined);
    throw error;
  }
  await transitions.markEventSent(photo, detailType);
  return true;
}
