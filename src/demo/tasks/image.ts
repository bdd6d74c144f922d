/**
 * Task module: image work in plain TypeScript — generating a test image, a box
 * blur and a thumbnail. CPU-bound by design: tens of milliseconds per image.
 */
import { transfer } from '../../pool/transfer.js';

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  pixels: Uint8Array;
}

/** A deterministic test image: gradients plus seeded noise, so blurring has work to do. */
export function makeImage(width: number, height: number, seed: number): Image {
  const pixels = new Uint8Array(width * height * 4);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const noise = s & 63;
      const i = (y * width + x) * 4;
      pixels[i] = (x * 255) / width + noise;
      pixels[i + 1] = (y * 255) / height + noise;
      pixels[i + 2] = ((x + y) * 127) / (width + height) + noise;
      pixels[i + 3] = 255;
    }
  }
  return { width, height, pixels };
}

/** A horizontal then a vertical box-blur pass of the given radius, `passes` times (≈ a Gaussian). */
export function blurPixels(image: Image, radius: number, passes: number): Uint8Array {
  const { width, height } = image;
  let src = image.pixels;
  const tmp = new Uint8Array(src.length);
  for (let p = 0; p < passes; p++) {
    const out = new Uint8Array(src.length);
    boxPass(src, tmp, height, width, 4, width * 4, radius);
    boxPass(tmp, out, width, height, width * 4, 4, radius);
    src = out;
  }
  return src;
}

/** A running-sum box blur along one axis: `lines` lines of `len` pixels, `step` bytes apart, lines `stride` apart. */
function boxPass(src: Uint8Array, dst: Uint8Array, lines: number, len: number, step: number, stride: number, r: number): void {
  const span = 2 * r + 1;
  for (let line = 0; line < lines; line++) {
    const base = line * stride;
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += src[base + Math.min(len - 1, Math.max(0, k)) * step + c]!;
      for (let i = 0; i < len; i++) {
        dst[base + i * step + c] = sum / span;
        const add = Math.min(len - 1, i + r + 1);
        const drop = Math.max(0, i - r);
        sum += src[base + add * step + c]! - src[base + drop * step + c]!;
      }
    }
  }
}

/** FNV-1a over the bytes: a cheap fingerprint to compare outputs across models. */
export function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

// ---- tasks ----------------------------------------------------------------------

export interface BlurInput extends Image {
  radius: number;
  passes: number;
}

/** The task: blur an image; the pixels come back moved (transferred), not copied. */
export function blur(input: BlurInput): Uint8Array {
  const out = blurPixels(input, input.radius, input.passes);
  return transfer(out, [out.buffer as ArrayBuffer]);
}

/** A service's thumbnail: make the source image, blur it, take every 4th pixel; answer its fingerprint. */
export function thumbnail({ size, seed }: { size: number; seed: number }): { width: number; height: number; checksum: string } {
  const image = makeImage(size, size, seed);
  const blurred = blurPixels(image, 2, 2);
  const w = size >> 2;
  const out = new Uint8Array(w * w * 4);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) out.set(blurred.subarray(((y * 4) * size + x * 4) * 4, ((y * 4) * size + x * 4) * 4 + 4), (y * w + x) * 4);
  }
  return { width: w, height: w, checksum: checksum(out) };
}
