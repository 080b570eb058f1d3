import { describe, expect, it } from 'vitest';
import { decodeS3Key, normalizeSequencer, s3NotificationBody } from '../events/s3-event.ts';
import { InvalidCursorError } from './errors.ts';
import { photoOfMessage } from './message-photo.ts';
import { decodeCursor, encodeCursor } from './reconcile-cursor.ts';
import { objectCreatedMessage, RECONCILE_SEQUENCER } from './requeue-event.ts';

describe('objectCreatedMessage', () => {
  it('is an S3 notification on-upload accepts, with a sequencer below every real one', () => {
    // Prepare
    const body = objectCreatedMessage(
      { bucket: 'qdn-uploads', key: 'photos/job-1/01J0000000000000000000000A.jpg', size: 12, etag: '"abc"' },
      'us-east-1',
      new Date('2026-12-01T12:00:00Z'),
    );
    // Act
    const parsed = s3NotificationBody.parse(JSON.parse(body));
    // Assess
    if (!('Records' in parsed)) throw new Error('expected records');
    const object = parsed.Records[0]?.s3.object;
    expect(object).toMatchObject({ size: 12, eTag: 'abc' });
    expect(decodeS3Key(object?.key ?? '')).toBe('photos/job-1/01J0000000000000000000000A.jpg');
    const ours = normalizeSequencer(RECONCILE_SEQUENCER);
    expect(ours < normalizeSequencer('0000000000000001')).toBe(true);
    expect(ours < normalizeSequencer('0055B9A8C6E3A1F0B3')).toBe(true);
  });
});

describe('reconcile cursor', () => {
  it('round-trips and refuses what it did not write', () => {
    const c = { phase: 'ready' as const, token: { pk: 'x', gsi2pk: 'y' } };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(() => decodeCursor('bm9wZQ')).toThrow(InvalidCursorError);
    expect(() => decodeCursor(Buffer.from('{"v":1,"phase":"later"}').toString('base64url'))).toThrow(
      /phase "later"/,
    );
  });
});

describe('photoOfMessage', () => {
  it('reads the photo of an S3 notification and of a photo.received envelope', () => {
    const s3 = objectCreatedMessage(
      { bucket: 'b', key: 'photos/job-demo-1/01J0000000000000000000000A.jpg', size: 1, etag: 'e' },
      'us-east-1',
      new Date(),
    );
    expect(photoOfMessage(s3)).toEqual({ jobId: 'job-demo-1', photoId: '01J0000000000000000000000A' });
    expect(photoOfMessage(JSON.stringify({ detail: { job_id: 'j', photo_id: 'p' } }))).toEqual({
      jobId: 'j',
      photoId: 'p',
    });
    expect(photoOfMessage('not json')).toEqual({ jobId: null, photoId: null });
  });
});
