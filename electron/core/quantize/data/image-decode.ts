// PNG and JPEG bytes to 8-bit RGB (alpha dropped; grayscale and palette images come out as RGB).
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { AppError } from '../../api/errors.js';

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved R, G, B bytes, row by row. */
  rgb: Uint8Array;
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return rgb;
}

/** Decodes by content, not by extension; `file` only names the image in errors. */
export function decodeImage(bytes: Uint8Array, file: string): RgbImage {
  const name = path.basename(file);
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (isPng(bytes)) rgba = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    else if (isJpeg(bytes)) rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    else throw new AppError('DATA_IMAGE_FORMAT', 'Unsupported image format', `${name} is neither a PNG nor a JPEG file. Convert it, or remove it from the folder.`);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('DATA_IMAGE_INVALID', 'Unreadable image', `${name} cannot be decoded: ${(err as Error).message}. Replace or remove that file.`);
  }
  if (rgba.width === 0 || rgba.height === 0) throw new AppError('DATA_IMAGE_INVALID', 'Unreadable image', `${name} has no pixels. Replace or remove that file.`);
  return { width: rgba.width, height: rgba.height, rgb: rgbaToRgb(rgba.data, rgba.width, rgba.height) };
}
