import { ExifFormatError } from './exif-errors.ts';

/**
 * A big-endian reader over a byte array that throws {@link ExifFormatError} instead of reading
 * past its end, so a box that lies about its content cannot take the parser out of bounds.
 */
export class ByteCursor {
  readonly bytes: Uint8Array;
  readonly end: number;
  #view: DataView;
  offset: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
    this.end = Math.min(end, bytes.length);
  }

  /** Bytes left before the end. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** Unsigned integer of 1, 2, 4 or 8 bytes; 0 bytes reads as 0 (iloc's absent fields). */
  uint(size: number): number {
    switch (size) {
      case 0:
        return 0;
      case 1:
        return this.#view.getUint8(this.#take(1));
      case 2:
        return this.#view.getUint16(this.#take(2));
      case 4:
        return this.#view.getUint32(this.#take(4));
      case 8: {
        const value = this.#view.getBigUint64(this.#take(8));
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new ExifFormatError(`Expected a 64-bit value below 2^53 but received ${value}`);
        }
        return Number(value);
      }
      default:
        throw new ExifFormatError(`Expected an integer size of 0, 1, 2, 4 or 8 bytes but received ${size}`);
    }
  }

  /** A four-character code such as a box or item type. */
  fourcc(): string {
    const at = this.#take(4);
    return String.fromCharCode(...this.bytes.subarray(at, at + 4));
  }

  /** Advances by `length` bytes. */
  skip(length: number): void {
    this.#take(length);
  }

  #take(length: number): number {
    if (!Number.isSafeInteger(length) || length < 0 || this.offset + length > this.end) {
      throw new ExifFormatError(
        `Expected ${length} more bytes at offset ${this.offset} but the structure ends at ${this.end}`,
      );
    }
    const at = this.offset;
    this.offset += length;
    return at;
  }
}
