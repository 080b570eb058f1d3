// heic-decode 2.1 ships no types; this describes the part of its CommonJS API that heic.ts uses.
declare module 'heic-decode' {
  namespace decode {
    /** RGBA pixels, 4 bytes per pixel, rows top to bottom, `irot`/`imir` already applied. */
    interface DecodedImage {
      width: number;
      height: number;
      data: Uint8ClampedArray;
    }
    /** A top-level image whose size is known before any pixel is decoded. */
    interface ImageHandle {
      width: number;
      height: number;
      decode(): Promise<DecodedImage>;
    }
    interface Input {
      buffer: Uint8Array;
    }
    /** Every top-level image of the file; `dispose()` frees the WASM memory they hold. */
    function all(input: Input): Promise<ImageHandle[] & { dispose(): void }>;
  }
  /** Decodes the first top-level image. */
  function decode(input: decode.Input): Promise<decode.DecodedImage>;
  export = decode;
}
