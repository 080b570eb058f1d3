import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { S3Error } from './errors.ts';
import { IO_CHUNK_BYTES, MAX_DRAINED_BYTES } from './io-chunk.ts';
import type { FormField } from './post-policy.ts';

/** The part of a POST form S3 reads: the fields before `file`, and the file itself, still streaming. */
export interface PostForm {
  fields: FormField[];
  file: { stream: Readable; filename: string } | undefined;
  /**
   * Stops parsing and throws the rest of the request away, up to a bound; past it the
   * connection is cut, as S3 does for an upload it has refused (e.g. EntityTooLarge).
   */
  discard(): void;
}

/** "The form data and boundaries (excluding the contents of the file) cannot exceed 20 KB." */
const MAX_PRE_DATA = 20 * 1024;

function tooMuchPreData(): S3Error {
  return new S3Error(
    'MaxPostPreDataLengthExceededError',
    'Your POST request fields preceeding the upload file was too large.',
    400,
  );
}

function discardRest(req: IncomingMessage): void {
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_DRAINED_BYTES) req.socket.destroy();
  });
  req.resume();
}

/**
 * Reads a multipart/form-data POST with busboy up to its `file` part, which must come last:
 * fields after it are never looked at, as in S3. Resolves as soon as the file part starts
 * (its bytes are not read yet), or at the end of the form when there is no file.
 */
export function readPostForm(req: IncomingMessage): Promise<PostForm> {
  let parser: busboy.Busboy;
  try {
    // Browsers send UTF-8 file names raw in Content-Disposition; busboy assumes latin1 otherwise.
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      fileHwm: IO_CHUNK_BYTES,
      limits: { fieldSize: MAX_PRE_DATA },
    });
  } catch (error) {
    throw new S3Error(
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.',
      400,
      {},
      { cause: error },
    );
  }
  const fields: FormField[] = [];
  const pending: Promise<void>[] = [];
  let preData = 0;
  let settled = false;
  let fileSeen = false;
  const discard = (): void => {
    req.unpipe(parser);
    discardRest(req);
  };
  return new Promise<PostForm>((resolve, reject) => {
    const settle = (file: PostForm['file']): void => {
      settled = true;
      resolve({ fields, file, discard });
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      discard();
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      // Nothing after the file counts, even when busboy parses ahead of the file's reader.
      if (settled || fileSeen) return;
      preData += name.length + value.length;
      if (info.valueTruncated || preData > MAX_PRE_DATA) return fail(tooMuchPreData());
      // A `file` sent as a plain field is still the file S3 stores.
      if (name.toLowerCase() === 'file')
        return settle({ stream: Readable.from([Buffer.from(value)]), filename: '' });
      fields.push({ name, value });
    });
    parser.on('file', (name, stream, info) => {
      if (settled || fileSeen) {
        stream.resume();
        return;
      }
      if (name.toLowerCase() === 'file') {
        fileSeen = true;
        // Fields sent as file parts before it must be read to their end first, in their order.
        void Promise.all(pending).then(() => {
          if (!settled) settle({ stream, filename: info.filename ?? '' });
        });
        return;
      }
      // Any other part is a field, with or without a filename (python-requests sends every field so).
      const slot: FormField = { name, value: '' };
      fields.push(slot);
      const chunks: Buffer[] = [];
      pending.push(
        new Promise<void>((done) => {
          stream.on('data', (chunk: Buffer) => {
            preData += chunk.length;
            if (preData > MAX_PRE_DATA) {
              stream.resume();
              fail(tooMuchPreData());
              return;
            }
            chunks.push(chunk);
          });
          stream.on('end', () => {
            slot.value = Buffer.concat(chunks).toString('utf8');
            done();
          });
          stream.on('error', () => done());
        }),
      );
    });
    parser.on('finish', () => {
      void Promise.all(pending).then(() => {
        if (!settled) settle(undefined);
      });
    });
    parser.on('error', (error) =>
      fail(
        new S3Error(
          'MalformedPOSTRequest',
          'The body of your POST request is not well-formed multipart/form-data.',
          400,
          {},
          { cause: error },
        ),
      ),
    );
    // A client that goes away mid-form would otherwise leave the file stream waiting forever.
    req.on('close', () => {
      if (!req.complete) parser.destroy(new Error('The client closed the request before the form ended'));
    });
    req.pipe(parser);
  });
}
