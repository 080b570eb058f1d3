/**
 * WebP effort and quality for the thumbnails, chosen by size, similarity and encode time on
 * photo-like input with texture and noise (smooth gradients would flatter every setting):
 * the 1280 px bitmap is decoded once, then encoded with each setting; SSIM (luma, 8×8 blocks) is
 * computed with sharp's raw pixels against the uncompressed bitmap (the truth) and the ratio
 * against the default (effort 4, the topology's quality) is printed beside it.
 */
import sharp from 'sharp';
import { topology } from '../lib/topology/topology.ts';
import { median, printTable, ratio } from './report.ts';

const RUNS = 5;

/** A 12 MP JPEG with gravel/foliage-like texture at several scales, edges and sensor noise. */
export async function texturedPhoto(width: number, height: number, seed = 11): Promise<Buffer> {
  let state = seed;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const layers: Buffer[] = [];
  // Value noise at cell sizes from 400 px (lighting, large shapes) to 3 px (gravel, leaves).
  for (const cell of [400, 60, 12, 3]) {
    const w = Math.ceil(width / cell) + 1;
    const h = Math.ceil(height / cell) + 1;
    const grid = Buffer.from(Array.from({ length: w * h * 3 }, () => Math.floor(random() * 256)));
    layers.push(
      await sharp(grid, { raw: { width: w, height: h, channels: 3 } })
        .resize(width, height, { kernel: cell > 10 ? 'cubic' : 'nearest', fit: 'fill' })
        .raw()
        .toBuffer(),
    );
  }
  const weights = [0.45, 0.25, 0.18, 0.12];
  const out = Buffer.alloc(width * height * 3);
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let l = 0; l < layers.length; l++) v += ((layers[l] as Buffer)[i] ?? 0) * (weights[l] ?? 0);
    // Hard-edged bands (a dumpster's ribs, a fence) and ±12 levels of sensor noise.
    const x = Math.floor(i / 3) % width;
    if (Math.floor(x / 37) % 4 === 0) v *= 0.6;
    out[i] = Math.max(0, Math.min(255, v + (random() - 0.5) * 24));
  }
  return sharp(out, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Mean SSIM of the luma of two same-size RGB bitmaps over 8×8 blocks (Wang et al. constants). */
export function ssim(a: Buffer, b: Buffer, width: number, height: number, channels: number): number {
  const luma = (buf: Buffer, i: number) =>
    0.299 * (buf[i] ?? 0) + 0.587 * (buf[i + 1] ?? 0) + 0.114 * (buf[i + 2] ?? 0);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  let blocks = 0;
  for (let by = 0; by + 8 <= height; by += 8) {
    for (let bx = 0; bx + 8 <= width; bx += 8) {
      let ma = 0;
      let mb = 0;
      let va = 0;
      let vb = 0;
      let cov = 0;
      for (let y = by; y < by + 8; y++) {
        for (let x = bx; x < bx + 8; x++) {
          const i = (y * width + x) * channels;
          const pa = luma(a, i);
          const pb = luma(b, i);
          ma += pa;
          mb += pb;
          va += pa * pa;
          vb += pb * pb;
          cov += pa * pb;
        }
      }
      const n = 64;
      ma /= n;
      mb /= n;
      va = va / n - ma * ma;
      vb = vb / n - mb * mb;
      cov = cov / n - ma * mb;
      sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      blocks++;
    }
  }
  return sum / blocks;
}

/** Runs the WebP settings comparison. */
export async function run(): Promise<void> {
  const large = topology.thumbnails.sizes.reduce((a, b) => (a.longEdge > b.longEdge ? a : b));
  const defaultQuality = 80;
  const inputs = [
    { name: 'textured 12 MP', jpeg: await texturedPhoto(4000, 3000) },
    { name: 'textured 12 MP, seed 2', jpeg: await texturedPhoto(4000, 3000, 29) },
  ];
  const settings: Array<{ effort: number; quality: number }> = [];
  for (const effort of [4, 0, 1, 2, 3, 6]) settings.push({ effort, quality: defaultQuality });
  for (const quality of [70, 75, 85]) settings.push({ effort: 2, quality });
  for (const { name, jpeg } of inputs) {
    const { data: truth, info } = await sharp(jpeg)
      .resize({ width: large.longEdge, height: large.longEdge, fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    const rows: Array<{ label: string; ms: number; bytes: number; ssim: number }> = [];
    for (const s of settings) {
      const times: number[] = [];
      let encoded = Buffer.alloc(0);
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        encoded = await sharp(truth, { raw }).webp({ quality: s.quality, effort: s.effort }).toBuffer();
        times.push(performance.now() - started);
      }
      const decoded = await sharp(encoded).raw().toBuffer();
      rows.push({
        label: `effort ${s.effort}, q${s.quality}${s.effort === 4 && s.quality === defaultQuality ? ' (default)' : ''}`,
        ms: median(times),
        bytes: encoded.length,
        ssim: ssim(truth, decoded, raw.width, raw.height, raw.channels),
      });
    }
    const base = rows[0] as (typeof rows)[number];
    printTable(
      `WebP ${large.longEdge} px from ${name} (${(jpeg.length / 1e6).toFixed(1)} MB JPEG), encode median of ${RUNS} (baseline: effort 4, q${defaultQuality})`,
      ['setting', 'encode ms', 'vs default', 'KB', 'vs default', 'SSIM vs uncompressed', 'Δ SSIM vs default'],
      rows.map((r) => [
        r.label,
        r.ms.toFixed(1),
        ratio(r.ms, base.ms),
        (r.bytes / 1024).toFixed(0),
        ratio(r.bytes, base.bytes),
        r.ssim.toFixed(4),
        (r.ssim - base.ssim).toFixed(4),
      ]),
    );
  }
}
