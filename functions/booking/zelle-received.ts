import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/auth/caller.ts';
import { HttpError } from '../../lib/http/errors.ts';
import { json } from '../../lib/http/response.ts';
import { confirmQuote } from './confirm.ts';
import type { BookingDeps } from './deps.ts';

/**
 * `POST /quotes/{quote_id}/zelle-received` (admin): the admin saw the transfer with the memo and
 * the amount; the quote is confirmed through the same path as a card payment. A second call
 * answers the same job; after a card payment it is a conflict (409).
 */
export async function zelleReceived(
  quoteId: string,
  caller: Caller,
  deps: BookingDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (caller.role !== 'admin') throw new HttpError('forbidden', 'Only an admin confirms a Zelle payment.');
  const outcome = await confirmQuote(deps, quoteId, {
    method: 'zelle',
    confirmedBy: caller.sub,
    details: { confirmed_by: caller.sub, at: new Date(deps.now()).toISOString() },
  });
  if (outcome.kind === 'not_found') throw new HttpError('not_found', `There is no quote "${quoteId}".`);
  if (outcome.kind === 'conflict')
    throw new HttpError('conflict', `This quote cannot be confirmed by Zelle: ${outcome.reason}.`);
  return json(200, { quote_id: quoteId, status: 'confirmed', job_id: outcome.jobId });
}
