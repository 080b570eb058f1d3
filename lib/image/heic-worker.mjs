// Decodes HEVC HEIC with heic-decode (libheif in WebAssembly) off the main thread: one decode of
// a 12 MP photo is about a second of synchronous WASM, during which the thread answers nothing.
// Plain JavaScript on purpose: a worker starts a fresh module loader, and this file must load
// the same under tsx, vitest and plain Node. The protocol is in heic-worker-client.ts.
import { parentPort } from 'node:worker_threads';
import heicDecode from 'heic-decode';

parentPort.on('message', async ({ id, input, maxInputPixels, primaryIndex }) => {
  try {
    const images = await heicDecode.all({ buffer: new Uint8Array(input) });
    try {
      // libvips and libheif-js list the same top-level images, so sharp's pagePrimary indexes this.
      const image = images[primaryIndex] ?? images[0];
      if (!image) throw new Error('HEIF image not found');
      if (image.width * image.height > maxInputPixels) {
        parentPort.postMessage({ id, tooMany: { width: image.width, height: image.height } });
        return;
      }
      const { width, height, data } = await image.decode();
      parentPort.postMessage({ id, width, height, data }, [data.buffer]);
    } finally {
      images.dispose();
    }
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
