/**
 * Node-only PNG output for CarRacing frames (kept out of index.ts so the env itself has no Node built-ins).
 * Import from 'i8x16/carracing/png' (or src/carracing/png.ts) in Node; in browsers draw the RGBA
 * from env.renderFullRgba() into a canvas ImageData instead.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Encodes RGB (3 bytes/pixel) or RGBA (4 bytes/pixel) pixels, row-major, as a PNG. */
export function encodePng(pixels: Uint8Array, width: number, height: number): Buffer {
  const channels = pixels.length / (width * height);
  if (channels !== 3 && channels !== 4) throw new Error(`expected RGB or RGBA pixels for ${width}×${height}, got ${pixels.length} bytes`);
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = pixels[channels * i]!;
    png.data[4 * i + 1] = pixels[channels * i + 1]!;
    png.data[4 * i + 2] = pixels[channels * i + 2]!;
    png.data[4 * i + 3] = channels === 4 ? pixels[4 * i + 3]! : 255;
  }
  return PNG.sync.write(png);
}

export function savePng(path: string, pixels: Uint8Array, width: number, height: number): void {
  writeFileSync(path, encodePng(pixels, width, height));
}
