// TFLite's SAME/VALID padding as explicit ONNX pads (TFLite puts the odd cell at the end, like SAME_UPPER).

export const Padding = { SAME: 0, VALID: 1 } as const;

/** Begin and end padding of one spatial dim. */
export function samePad(input: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** ONNX `pads` ([h_begin, w_begin, h_end, w_end]) for an NHWC input of static height and width. */
export function spatialPads(padding: number, inH: number, inW: number, k: [number, number], s: [number, number], d: [number, number] = [1, 1]): number[] {
  if (padding !== Padding.SAME) return [0, 0, 0, 0];
  const [hb, he] = samePad(inH, k[0], s[0], d[0]);
  const [wb, we] = samePad(inW, k[1], s[1], d[1]);
  return [hb, wb, he, we];
}
