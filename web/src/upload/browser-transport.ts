import { ApiError, api } from '../shared/api.ts';
import { megabytes } from '../shared/reasons.ts';
import { currentSession } from '../shared/session.ts';
import { type DeviceGps, type Grant, type Transport, UploadError, type UploadItem } from './types.ts';

/** The browser's way to the API (`POST /upload-url`) and S3 (a presigned POST with XHR for progress). */
export function browserTransport(location: () => Promise<DeviceGps | null>): Transport {
  return {
    async grant(item: UploadItem): Promise<Grant> {
      if (!currentSession()) throw new UploadError('signed-out', 'Sign in to send this photo.');
      const gps = await location();
      try {
        return await api<Grant>('/upload-url', {
          method: 'POST',
          body: {
            job_id: item.jobId,
            filename: item.filename,
            content_type: item.contentType,
            size: item.size,
            ...(gps ? { gps } : {}),
          },
        });
      } catch (error) {
        throw grantError(error);
      }
    },
    post(grant, file, contentType, onProgress) {
      return postForm(grant, file, contentType, onProgress);
    },
  };
}

function grantError(error: unknown): UploadError {
  if (!(error instanceof ApiError) || error.status === 0) return new UploadError('network', 'No connection.');
  if (error.status === 401) return new UploadError('signed-out', 'Sign in again to send this photo.', 401);
  if (error.status === 415) return new UploadError('refused', 'not a photo', 415);
  if (error.status === 413) return new UploadError('refused', 'larger than 10 MB', 413);
  if (error.status === 403) return new UploadError('refused', 'you are not on this job', 403);
  if (error.status === 429 || error.status >= 500) {
    return new UploadError('server', 'The server is busy.', error.status);
  }
  return new UploadError('refused', error.message, error.status);
}

function postForm(
  grant: Grant,
  file: Blob,
  contentType: string,
  onProgress: (fraction: number) => void,
): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
  form.set('Content-Type', contentType);
  form.append('file', file); // S3 reads the fields only before the file.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', grant.url);
    xhr.timeout = 10 * 60_000;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      reject(s3Error(xhr.status, xhr.responseText, grant.max_bytes));
    };
    xhr.onerror = () => reject(new UploadError('network', 'No connection.'));
    xhr.ontimeout = () => reject(new UploadError('network', 'The upload timed out.'));
    xhr.onabort = () => reject(new UploadError('network', 'The upload was cut off.'));
    xhr.send(form);
  });
}

function s3Error(status: number, body: string, maxBytes: number): UploadError {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? '';
  const message = /<Message>([^<]+)<\/Message>/.exec(body)?.[1] ?? '';
  if (/expired/i.test(message) || code === 'ExpiredToken')
    return new UploadError('expired', 'The upload URL expired.', status);
  if (code === 'EntityTooLarge')
    return new UploadError('refused', `larger than ${megabytes(maxBytes)}`, status);
  if (code === 'EntityTooSmall') return new UploadError('refused', 'the file is empty', status);
  if (status >= 500 || status === 429 || code === 'SlowDown')
    return new UploadError('server', 'Storage is busy.', status);
  return new UploadError('refused', 'the upload was refused by storage', status);
}
