import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { encodeNpy, openNpy, parseNpy, readNpy } from '../../electron/core/util/npy.js';

const fixtures = path.resolve('resources/models/mobilenetv2-digits');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'npy-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A .npy file built by hand, byte by byte, as numpy.save writes it. */
function handMade(descr: string, shape: string, body: Uint8Array, opts: { version?: number; fortran?: boolean } = {}): Uint8Array {
  const version = opts.version ?? 1;
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), prefix);
  out.set(body, total);
  return out;
}

describe('npy', () => {
  it('reads the fixture inputs: float32 [449, 3, 32, 32]', async () => {
    const a = await readNpy(path.join(fixtures, 'eval_inputs.npy'));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([449, 3, 32, 32]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(a.data.length).toBe(449 * 3 * 32 * 32);
    expect(Number.isFinite(a.data[a.data.length - 1] as number)).toBe(true);
  });

  it('reads the fixture labels: int64 [449] with digit classes', async () => {
    const a = await readNpy(path.join(fixtures, 'eval_labels.npy'));
    expect(a.dtype).toBe('int64');
    expect(a.shape).toEqual([449]);
    const labels = [...(a.data as BigInt64Array)].map(Number);
    expect(Math.min(...labels)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...labels)).toBeLessThanOrEqual(9);
  });

  it('parses hand-made files of several dtypes and versions', () => {
    const f8 = new Float64Array([1.5, -2, 3.25, 4, 5, 6]);
    const a = parseNpy(handMade('<f8', '(2, 3)', new Uint8Array(f8.buffer)));
    expect(a).toMatchObject({ dtype: 'float64', shape: [2, 3] });
    expect([...(a.data as Float64Array)]).toEqual([1.5, -2, 3.25, 4, 5, 6]);

    const i4 = new Int32Array([-7, 8, 9]);
    const b = parseNpy(handMade('<i4', '(3,)', new Uint8Array(i4.buffer), { version: 2 }));
    expect(b).toMatchObject({ dtype: 'int32', shape: [3] });
    expect([...(b.data as Int32Array)]).toEqual([-7, 8, 9]);

    const c = parseNpy(handMade('|i1', '(2,)', new Uint8Array([0xff, 0x05]), { version: 3 }));
    expect([...(c.data as Int8Array)]).toEqual([-1, 5]);

    const d = parseNpy(handMade('|u1', '()', new Uint8Array([42])));
    expect(d).toMatchObject({ dtype: 'uint8', shape: [] });
    expect(d.data[0]).toBe(42);
  });

  it('round-trips through encodeNpy', () => {
    const data = new BigInt64Array([1n, -2n, 3n, 4n]);
    const back = parseNpy(encodeNpy({ dtype: 'int64', shape: [2, 2], data }));
    expect(back.shape).toEqual([2, 2]);
    expect([...(back.data as BigInt64Array)]).toEqual([1n, -2n, 3n, 4n]);
  });

  it('rejects Fortran order, bad magic and short data, naming the file', () => {
    const body = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const expectError = (fn: () => unknown, code: string) => {
      try {
        fn();
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe(code);
        expect((err as AppError).detail).toContain('x.npy');
      }
    };
    expectError(() => parseNpy(handMade('<f4', '(2, 2)', body, { fortran: true }), 'x.npy'), 'NPY_FORTRAN_ORDER');
    expectError(() => parseNpy(new Uint8Array(64), 'x.npy'), 'NPY_INVALID');
    expectError(() => parseNpy(handMade('<f4', '(3, 2)', body), 'x.npy'), 'NPY_INVALID');
    expectError(() => parseNpy(handMade('>f4', '(2, 2)', body), 'x.npy'), 'NPY_DTYPE');
  });

  it('reads row slices with openNpy matching the full read', async () => {
    const file = path.join(fixtures, 'eval_inputs.npy');
    const full = await readNpy(file);
    const npy = await openNpy(file);
    try {
      expect(npy.rows).toBe(449);
      const rows = await npy.readRows(447, 2);
      expect(rows.shape).toEqual([2, 3, 32, 32]);
      const per = 3 * 32 * 32;
      expect([...(rows.data as Float32Array)]).toEqual([...(full.data as Float32Array).subarray(447 * per, 449 * per)]);
      await expect(npy.readRows(448, 2)).rejects.toThrow(RangeError);
    } finally {
      await npy.close();
    }
  });

  it('openNpy reads a small file written by encodeNpy', async () => {
    const file = path.join(tmp, 'small.npy');
    writeFileSync(file, encodeNpy({ dtype: 'float32', shape: [4, 2], data: new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]) }));
    const npy = await openNpy(file);
    const rows = await npy.readRows(1, 2);
    await npy.close();
    expect([...(rows.data as Float32Array)]).toEqual([2, 3, 4, 5]);
  });
});
