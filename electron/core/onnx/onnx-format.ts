// The ONNX entry of the format registry: light; the decoder loads in open().
import type { ModelFileContext, ModelFormat, OpenedModel } from './format-types.js';
import { sniffOnnx } from './onnx-sniff.js';

export const onnxFormat: ModelFormat = {
  id: 'onnx',
  name: 'ONNX',
  extensions: ['.onnx'],
  match(ctx: ModelFileContext): boolean {
    return sniffOnnx(ctx.bytes).ok;
  },
  explain(ctx: ModelFileContext): string | null {
    const sniff = sniffOnnx(ctx.bytes);
    if (sniff.ok) return null;
    if (sniff.truncated || this.extensions.includes(ctx.extension)) return `it is not a readable ONNX model: ${sniff.reason}`;
    return null;
  },
  async open(ctx: ModelFileContext, signal?: AbortSignal): Promise<OpenedModel> {
    const { openOnnx } = await import('./onnx-open.js');
    return openOnnx(ctx, signal);
  },
};
