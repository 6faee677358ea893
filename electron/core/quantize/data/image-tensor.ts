// One decoded image to one model-input row: bilinear resize, pixel/255, (x - mean) / std, NCHW or NHWC.
import type { RgbImage } from './image-decode.js';
import type { ResolvedPreprocess } from './preprocess.js';

/** Writes the row into `out` at `offset` (3·H·W floats). */
export function imageToRow(img: RgbImage, p: ResolvedPreprocess, out: Float32Array, offset: number): void {
  const { height: H, width: W } = p;
  const plane = H * W;
  const same = img.width === W && img.height === H;
  // Half-pixel centres (align_corners=False), as PyTorch and OpenCV resize.
  const sy = img.height / H;
  const sx = img.width / W;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        let v: number;
        if (same) v = img.rgb[(y * W + x) * 3 + c];
        else {
          const at = (yy: number, xx: number) => img.rgb[(yy * img.width + xx) * 3 + c];
          const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * wx;
          const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * wx;
          v = top + (bottom - top) * wy;
        }
        const i = p.layout === 'NCHW' ? c * plane + y * W + x : (y * W + x) * 3 + c;
        out[offset + i] = (v / 255 - p.mean[c]) / p.std[c];
      }
    }
  }
}
