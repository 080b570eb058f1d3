import { describe, expect, it } from 'vitest';
import { decodeS3Key, MalformedKeyError, normalizeSequencer, s3NotificationBody } from './s3-event.ts';

const record = (key: string, sourceIPAddress = '2001:db8::1') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-east-1',
  eventTime: '2026-11-27T18:00:00.000Z',
  eventName: 'ObjectCreated:Post',
  userIdentity: { principalId: 'AWS:X' },
  requestParameters: { sourceIPAddress },
  responseElements: {},
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'c',
    bucket: { name: 'qdn-uploads', ownerIdentity: { principalId: 'X' }, arn: 'arn:aws:s3:::qdn-uploads' },
    object: { key, size: 10, eTag: 'abc', sequencer: '0055AED6DCD90281E5' },
  },
});

describe('S3 notification bodies', () => {
  it('accepts records with an IPv6 source address', () => {
    expect(s3NotificationBody.safeParse({ Records: [record('photos/a.jpg')] }).success).toBe(true);
  });

  it('accepts the s3:TestEvent message', () => {
    const body = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: 't',
      Bucket: 'b',
      RequestId: 'r',
      HostId: 'h',
    };
    const parsed = s3NotificationBody.parse(body);
    expect('Event' in parsed ? parsed.Event : null).toBe('s3:TestEvent');
  });

  it('refuses bodies that are neither', () => {
    expect(s3NotificationBody.safeParse({ Records: [] }).success).toBe(false);
    expect(s3NotificationBody.safeParse({ hello: 1 }).success).toBe(false);
  });
});

describe('decodeS3Key', () => {
  it('turns + into a space before percent-decoding, once', () => {
    expect(decodeS3Key('photos/my+photo%2B1+%C3%A9%F0%9F%93%B7.jpg')).toBe('photos/my photo+1 é📷.jpg');
    expect(decodeS3Key('a%2520b')).toBe('a%20b');
  });

  it('fails a malformed key with its own error', () => {
    expect(() => decodeS3Key('photos/%E0%A4%A.jpg')).toThrow(MalformedKeyError);
  });
});

describe('normalizeSequencer', () => {
  it('right-pads sequencers of different lengths, as S3 documents, before comparing them', () => {
    // 0062EA (shorter) is the later event: right-padded it sorts after 0062E99A00.
    expect(normalizeSequencer('0062EA') > normalizeSequencer('0062E99A00')).toBe(true);
    expect(normalizeSequencer('0055aed6')).toBe(normalizeSequencer('0055AED600'));
    expect(normalizeSequencer('0055AED6')).toHaveLength(32);
  });
});
