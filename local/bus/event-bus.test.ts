import { describe, expect, it } from 'vitest';
import { type EventEnvelope, LocalEventBus } from './event-bus.ts';

function setup() {
  const delivered: Record<string, string[]> = { thumbs: [], other: [] };
  const bus = new LocalEventBus({
    name: 'qdn-bus',
    region: 'us-east-1',
    rules: [
      {
        name: 'r1',
        source: 'qdn.photos',
        detailTypes: ['photo.received'],
        target: (b) => delivered.thumbs?.push(b),
      },
      {
        name: 'r2',
        source: 'qdn.photos',
        detailTypes: ['photo.processed'],
        target: (b) => delivered.other?.push(b),
      },
    ],
  });
  return { bus, delivered };
}

const entry = (detailType: string, detail = '{"photo_id":"p1"}') => ({
  EventBusName: 'qdn-bus',
  Source: 'qdn.photos',
  DetailType: detailType,
  Detail: detail,
});

describe('LocalEventBus', () => {
  it('routes by detail-type and delivers the EventBridge envelope as the SQS body', () => {
    const { bus, delivered } = setup();
    const result = bus.putEvents([entry('photo.received')]);
    expect(result.FailedEntryCount).toBe(0);
    const envelope = JSON.parse(delivered.thumbs?.[0] as string) as EventEnvelope;
    expect(envelope).toMatchObject({
      version: '0',
      'detail-type': 'photo.received',
      source: 'qdn.photos',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      detail: { photo_id: 'p1' },
    });
    expect(envelope.id).toBe((result.Entries[0] as { EventId: string }).EventId);
    expect(envelope.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(delivered.other).toHaveLength(0);
  });

  it('reports failures per entry instead of throwing', () => {
    const { bus, delivered } = setup();
    const result = bus.putEvents([
      entry('photo.received'),
      entry('photo.received', 'not json'),
      { ...entry('photo.received'), EventBusName: 'someone-else' },
      { ...entry('photo.received'), Source: '' },
    ]);
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'ok',
      'MalformedDetail',
      'NotAuthorizedForSourceException',
      'InvalidArgument',
    ]);
    expect(delivered.thumbs).toHaveLength(1);
  });

  it('refuses more than ten entries as a whole', () => {
    const { bus } = setup();
    expect(() => bus.putEvents(Array.from({ length: 11 }, () => entry('photo.received')))).toThrow(
      /1 to 10 entries/,
    );
  });

  it('accepts the bus by ARN and drops events no rule matches', () => {
    const { bus, delivered } = setup();
    const result = bus.putEvents([
      {
        ...entry('booking.confirmed'),
        EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/qdn-bus',
      },
    ]);
    expect(result.FailedEntryCount).toBe(0);
    expect(delivered.thumbs).toHaveLength(0);
  });
});
