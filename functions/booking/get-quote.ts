import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Caller } from '../../lib/auth/caller.ts';
import { json } from '../../lib/http/response.ts';
import type { Photo } from '../../lib/repo/photo.ts';
import type { BookingDeps } from './deps.ts';
import { loadOwnQuote } from './quote-access.ts';
import { quotePhotos } from './quote-photos.ts';
import { quoteView } from './quote-view.ts';
import { trackingLinkOf } from './tracking-token.ts';

/** `GET /quotes/{quote_id}`: the owner or an admin sees the quote, its photos and its site. */
export async function getQuote(
  quoteId: string,
  caller: Caller,
  deps: BookingDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const quote = await loadOwnQuote(caller, quoteId, deps.quotes, { admin: true });
  const photos = await quotePhotos(deps.photos, quoteId);
  return json(200, {
    ...quoteView(quote, photos, deps.now(), deps.publicUrl),
    // The way back to the job's page once the short customer token is gone (owner only).
    tracking_link: caller.role === 'customer' ? await trackingLinkOf(quote, deps) : null,
    // What the booking page shows of each attached photo: never an original, thumbnails once ready.
    photos: await Promise.all(photos.map((photo) => photoSummary(photo, deps))),
  });
}

async function photoSummary(photo: Photo, deps: BookingDeps) {
  const thumbnails =
    photo.status === 'ready' && photo.thumbnails
      ? Object.fromEntries(
          await Promise.all(
            Object.entries(photo.thumbnails).map(async ([size, key]) => [
              size,
              await getSignedUrl(
                deps.s3,
                new GetObjectCommand({ Bucket: deps.config.uploadsBucket, Key: key }),
                {
                  expiresIn: deps.config.uploads.thumbUrlTtlSeconds,
                },
              ),
            ]),
          ),
        )
      : null;
  return {
    photo_id: photo.photoId,
    status: photo.status,
    gps: photo.gps ? { lat: photo.gps.lat, lon: photo.gps.lon, source: photo.gps.source } : null,
    thumbnails,
    reason: photo.status === 'ready' ? null : (photo.reason ?? null),
  };
}
