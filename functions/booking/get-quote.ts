import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/auth/caller.ts';
import { json } from '../../lib/http/response.ts';
import type { BookingDeps } from './deps.ts';
import { loadOwnQuote } from './quote-access.ts';
import { quotePhotos } from './quote-photos.ts';
import { quoteView } from './quote-view.ts';

/** `GET /quotes/{quote_id}`: the owner or an admin sees the quote, its photos and its site. */
export async function getQuote(
  quoteId: string,
  caller: Caller,
  deps: BookingDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const quote = await loadOwnQuote(caller, quoteId, deps.quotes, { admin: true });
  const photos = await quotePhotos(deps.photos, quoteId);
  return json(200, quoteView(quote, photos, deps.now(), deps.publicUrl));
}
