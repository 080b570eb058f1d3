import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../lambda-context.ts';
import { TransientFaultError } from './errors.ts';
import { FaultSwitch } from './faults.ts';
import { withTransientFault } from './with-transient-fault.ts';

const event = { routeKey: 'POST /book-quote' } as APIGatewayProxyEventV2;
const ok = async () => ({ statusCode: 200, body: '{}' });

describe('withTransientFault', () => {
  it("fails a stage's requests while its transient fault is on, and only then", async () => {
    const faults = new FaultSwitch('booking:transient');
    const booking = withTransientFault('booking', ok, faults);
    await expect(booking(event, lambdaContext('booking', 10))).rejects.toBeInstanceOf(TransientFaultError);
    faults.set('');
    expect(await booking(event, lambdaContext('booking', 10))).toEqual({ statusCode: 200, body: '{}' });
  });

  it('leaves functions that are not stages alone', async () => {
    const faults = new FaultSwitch('booking:transient');
    expect(withTransientFault('presign', ok, faults)).toBe(ok);
  });
});
