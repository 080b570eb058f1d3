import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PhotoTransitions } from '../repo/photo-transitions.ts';
import { emitEvent } from './domain-events.ts';

/**
 * Emits a photo's domain event once per object version: a duplicate delivery finds the claim
 * taken and emits nothing; a failed put gives the claim back and throws, so the retry emits it.
 */
export async function emitOnce(
  deps: { transitions: PhotoTransitions; events: EventBridgeClient; busName: string },
  photo: { jobId: string; photoId: string; sequencer: string },
  detailType: string,
  detail: object,
): Promise<boolean> {
  const { transitions } = deps;
  if (!(await transitions.claimEvent(photo.jobId, photo.photoId, detailType, photo.sequencer))) return false;
  try {
    await emitEvent(deps.events, deps.busName, detailType, detail);
    return true;
  } catch (error) {
    await transitions.releaseEvent(photo.jobId, photo.photoId, detailType).catch(() => undefined);
    throw error;
  }
}
