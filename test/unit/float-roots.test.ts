// Which models the Optimize page offers, and where a variant's lineage starts: a .tflite's ONNX
// conversion stands in for the .tflite, and variants of either go back to it.
import { describe, expect, it } from 'vitest';
import { floatRootOf, floatRoots } from '../../electron/core/api/tflite-conversion.js';

const models = [
  { id: 'onnx', parentId: null, recipe: null },
  { id: 'onnx-int8', parentId: 'onnx', recipe: { mode: 'static' } },
  { id: 'src', parentId: null, recipe: null },
  { id: 'conv', parentId: 'src', recipe: { mode: 'from-tflite' } },
  { id: 'conv-tune', parentId: 'conv', recipe: { mode: 'tune' } },
  { id: 'conv-tune-fp16', parentId: 'conv-tune', recipe: { mode: 'fp16' } },
];
const get = (id: string) => models.find((m) => m.id === id)!;

describe('float roots', () => {
  it('offers plain roots and TFLite conversions, never the .tflite source or a variant', () => {
    expect(floatRoots(models).map((m) => m.id)).toEqual(['onnx', 'conv']);
  });

  it('walks a variant up to its root, stopping at a conversion', () => {
    expect(floatRootOf(get, 'onnx-int8').id).toBe('onnx');
    expect(floatRootOf(get, 'conv-tune-fp16').id).toBe('conv');
    expect(floatRootOf(get, 'conv').id).toBe('conv');
    expect(floatRootOf(get, 'src').id).toBe('src');
  });
});
