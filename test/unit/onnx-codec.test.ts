import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, modelToObject, onnx } from '../../electron/core/onnx/codec.js';
import { dataTypeName, dataTypeSize } from '../../electron/core/onnx/data-types.js';
import { toNumber } from '../../electron/core/onnx/int64.js';
import {
  tensorByteLength,
  tensorElementCount,
  tensorIntValues,
  tensorRawBytes,
} from '../../electron/core/onnx/tensor-data.js';
import { FLOAT, INT64, SAMPLE_MODEL } from '../fixtures/onnx-models.js';

describe('decodeModel on the sample MobileNetV2', () => {
  const bytes = readFileSync(SAMPLE_MODEL);
  const model = decodeModel(bytes);

  it('reads the header', () => {
    expect(toNumber(model.ir_version)).toBe(7);
    expect(model.opset_import.map((o) => [o.domain, toNumber(o.version)])).toEqual([['', 13]]);
    expect(model.producer_name).toBe('pytorch');
  });

  it('keeps the symbolic batch dim of the input', () => {
    const input = model.graph!.input!.find((i) => i.name === 'input')!;
    const dims = input.type!.tensor_type!.shape!.dim!;
    expect(dims[0].dim_param).toBeTruthy();
    expect(dims.slice(1).map((d) => toNumber(d.dim_value))).toEqual([3, 32, 32]);
  });

  it('gives raw_data as views into the file buffer, not copies', () => {
    const withRaw = model.graph!.initializer!.filter((t) => t.raw_data && t.raw_data.length > 0);
    expect(withRaw.length).toBeGreaterThan(50);
    for (const t of withRaw) expect(t.raw_data!.buffer).toBe(bytes.buffer);
  });

  it('re-encodes to bytes that decode to the same message', () => {
    const again = decodeModel(encodeModel(model));
    expect(modelToObject(again)).toEqual(modelToObject(model));
  });
});

describe('int64 fields', () => {
  it('round-trip dims and int64_data exactly, beyond 2^53', () => {
    const big = ['9007199254740993', '-9223372036854775808', '9223372036854775807', '-1', '0'];
    const tensor = onnx.TensorProto.fromObject({ name: 't', data_type: INT64, dims: ['5'], int64_data: big });
    const model = { ir_version: 8, graph: { name: 'g', initializer: [tensor], node: [] } };
    const back = decodeModel(encodeModel(model)).graph!.initializer![0];
    expect(back.int64_data!.map(String)).toEqual(big);
    expect(back.dims!.map(String)).toEqual(['5']);
    const dimModel = { ir_version: 8, graph: { initializer: [onnx.TensorProto.fromObject({ dims: ['4294967297', '3'] })] } };
    expect(decodeModel(encodeModel(dimModel)).graph!.initializer![0].dims!.map(String)).toEqual(['4294967297', '3']);
  });
});

describe('tensor data helpers', () => {
  it('give the same bytes from float_data as from raw_data', () => {
    const values = [1.5, -2, 0.25, 3e-8];
    const typed: onnx.ITensorProto = { data_type: FLOAT, dims: [2, 2], float_data: values };
    const raw: onnx.ITensorProto = { data_type: FLOAT, dims: [2, 2], raw_data: new Uint8Array(new Float32Array(values).buffer) };
    expect(tensorRawBytes(typed)).toEqual(tensorRawBytes(raw));
    expect(tensorByteLength(typed)).toBe(16);
    expect(tensorElementCount(typed)).toBe(4);
  });

  it('returns raw_data itself, without a copy', () => {
    const raw = new Uint8Array(8);
    expect(tensorRawBytes({ data_type: FLOAT, dims: [2], raw_data: raw })).toBe(raw);
  });

  it('encodes int64_data little-endian', () => {
    const bytes = tensorRawBytes({ data_type: INT64, dims: [2], int64_data: [1, -2] })!;
    const view = new DataView(bytes.buffer);
    expect([view.getBigInt64(0, true), view.getBigInt64(8, true)]).toEqual([1n, -2n]);
  });

  it('reads small integer values from raw_data and int64_data alike', () => {
    const raw = new Uint8Array(new BigInt64Array([2n, -1n, 7n]).buffer);
    expect(tensorIntValues({ data_type: INT64, dims: [3], raw_data: raw })).toEqual([2, -1, 7]);
    expect(tensorIntValues({ data_type: INT64, dims: [3], int64_data: [2, -1, 7] })).toEqual([2, -1, 7]);
    expect(tensorIntValues({ data_type: FLOAT, dims: [1], float_data: [1] })).toBeNull();
  });

  it('names data types and their sizes', () => {
    expect(dataTypeName(FLOAT)).toBe('FLOAT');
    expect(dataTypeName(10)).toBe('FLOAT16');
    expect(dataTypeSize(INT64)).toBe(8);
    expect(dataTypeName(99)).toBe('TYPE_99');
  });
});
