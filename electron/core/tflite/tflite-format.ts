// The TFLite entry of the format registry: a cheap sniff; the reader and its generated schema load in open().
import type { ModelFileContext, ModelFormat, OpenedModel } from '../onnx/format-types.js';
import { sniffTflite } from './tflite-sniff.js';

export const tfliteFormat: ModelFormat = {
  id: 'tflite',
  name: 'TensorFlow Lite',
  extensions: ['.tflite', '.lite'],
  match(ctx: ModelFileContext): boolean {
    return sniffTflite(ctx.bytes, ctx.extension).ok;
  },
  explain(ctx: ModelFileContext): string | null {
    const sniff = sniffTflite(ctx.bytes, ctx.extension);
    if (sniff.ok) return null;
    if (this.extensions.includes(ctx.extension)) return `it is not a readable TensorFlow Lite model: ${sniff.reason}`;
    return null;
  },
  async open(ctx: ModelFileContext): Promise<OpenedModel> {
    const { readTflite } = await import('./read-tflite.js');
    return { format: 'tflite', formatName: 'TensorFlow Lite', path: ctx.path, fileBytes: ctx.bytes.length, tflite: readTflite(ctx.bytes, ctx.name) };
  },
};
