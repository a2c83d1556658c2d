/**
 * Node adapter: picture files → RGBA pixels for the backbones, as the worker's
 * createImageBitmap gives them in the browser. PNG through pngjs, JPEG through
 * jpeg-js, with the JPEG's EXIF orientation applied (a phone photo stored on its
 * side is turned upright, as browsers show it). Node only: never import from
 * src/core or browser code.
 */
import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ZslError } from '../core/errors.ts';

export interface DecodedPicture {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
}

export async function decodePictureFile(path: string): Promise<DecodedPicture> {
  const bytes = await readFile(path).catch(() => {
    throw new ZslError('the file cannot be read; expected a JPEG or PNG picture.', { file: path });
  });
  return decodePicture(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

export function decodePicture(bytes: Uint8Array, file: string): DecodedPicture {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { pixels: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
    }
    if (isJpeg) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
      return orient({ pixels, width: image.width, height: image.height }, exifOrientation(bytes));
    }
  } catch (error) {
    throw new ZslError(`could not be decoded (${(error as Error).message}); expected a JPEG or PNG picture.`, { file });
  }
  const webp = bytes.length > 12 && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP';
  throw new ZslError(
    webp ? 'is a WebP picture; the command line reads JPEG and PNG (the app in the browser reads WebP too).' : 'is not a JPEG or PNG picture.',
    { file },
  );
}

/** The EXIF orientation tag (1–8) of a JPEG, 1 when it has none. */
export function exifOrientation(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    const length = view.getUint16(at + 2);
    if (marker === 0xda) break; // image data: no EXIF before it
    if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'Exif') {
      const tiff = at + 10;
      const little = view.getUint16(tiff) === 0x4949;
      const ifd = tiff + view.getUint32(tiff + 4, little);
      const entries = view.getUint16(ifd, little);
      for (let i = 0; i < entries; i++) {
        const entry = ifd + 2 + i * 12;
        if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
      }
      return 1;
    }
    at += 2 + length;
  }
  return 1;
}

/** Pixels as stored → pixels as shown, for EXIF orientations 2–8 (mirrors and quarter turns). */
export function orient(picture: DecodedPicture, orientation: number): DecodedPicture {
  if (orientation < 2 || orientation > 8) return picture;
  const { pixels, width: w, height: h } = picture;
  const swap = orientation >= 5;
  const [W, H] = swap ? [h, w] : [w, h];
  const out = new Uint8ClampedArray(pixels.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Where the shown pixel (x, y) is stored.
      const [sx, sy] = (
        {
          2: [w - 1 - x, y],
          3: [w - 1 - x, h - 1 - y],
          4: [x, h - 1 - y],
          5: [y, x],
          6: [y, h - 1 - x],
          7: [w - 1 - y, h - 1 - x],
          8: [w - 1 - y, x],
        } as Record<number, [number, number]>
      )[orientation]!;
      out.set(pixels.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4), (y * W + x) * 4);
    }
  }
  return { pixels: out, width: W, height: H };
}
