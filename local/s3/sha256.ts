import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** What the signer hands a hash: text (UTF-8) or bytes. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * SHA-256, or HMAC-SHA-256 when given a secret, over `node:crypto`, in the shape
 * `@smithy/signature-v4` takes as its `sha256` constructor.
 */
export class Sha256 {
  readonly #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }

  /** Adds data to the digest. */
  update(data: SourceData): void {
    this.#hash.update(toBytes(data));
  }

  /** The digest, as the signer awaits it. */
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}
