// The words for nodes without a MAC count: shapes unknown in an ONNX model, no conversion for a .tflite.
import { describe, expect, it } from 'vitest';
import { uncountedMacsNote } from '../../electron/core/api/macs-note.js';
import type { InspectReport } from '../../electron/core/api/types.js';

const macs = (unresolved: string[]) => ({ total: 0, perNode: [], unresolved });
const tflite = (convertible: boolean) => ({ convertible }) as unknown as InspectReport['tflite'];

describe('uncounted MACs note', () => {
  it('is empty when every node is counted', () => expect(uncountedMacsNote({ macs: macs([]), tflite: undefined })).toBe(''));
  it('blames run-time shapes in ONNX models', () =>
    expect(uncountedMacsNote({ macs: macs(['a', 'b']), tflite: undefined })).toBe('2 nodes not counted (shapes unknown until run time)'));
  it('blames the missing conversion for a .tflite that does not convert', () =>
    expect(uncountedMacsNote({ macs: macs(['0:CUSTOM edgetpu-custom-op']), tflite: tflite(false) })).toBe('1 node not counted (the model does not convert to ONNX)'));
  it('blames shapes for a converted .tflite', () => expect(uncountedMacsNote({ macs: macs(['x']), tflite: tflite(true) })).toBe('1 node not counted (shapes unknown until run time)'));
});
