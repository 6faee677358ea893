// zstd through WebAssembly: the build that @bokuweb/zstd-wasm ships, embedded (zstd-wasm-binary.ts) and
// instantiated here with its five imports, because the package's own loader reads the .wasm file from
// its install folder, which a single-file agent bundle does not have. Synchronous: the module is
// compiled on first use. Dictionaries are raw content (no dictionary magic), which is what
// `zstd --patch-from` does with the old file.
import { AppError } from '../error-data.js';
import { zstdWasmBase64 } from './zstd-wasm-binary.js';

/** The exports of this build by their minified names (see the package's dist/common/zstd.js). */
interface ZstdWasm {
  f: WebAssembly.Memory;
  g(): void;
  h(code: number): number;
  i(size: number): number;
  j(): number;
  k(cctx: number): number;
  l(cctx: number, dst: number, cap: number, src: number, size: number, dict: number, dictSize: number, level: number): number;
  m(dst: number, cap: number, src: number, size: number, level: number): number;
  n(): number;
  o(dctx: number): number;
  q(dctx: number, dst: number, cap: number, src: number, size: number, dict: number, dictSize: number): number;
  r(dst: number, cap: number, src: number, size: number): number;
  s(size: number): number;
  t(ptr: number): void;
}

/** The build's own ceiling (emscripten's getHeapMax): keep one op's input, dictionary and output below it. */
const heapMax = 2 ** 31;

let wasm: ZstdWasm | null = null;

function load(): ZstdWasm {
  if (wasm) return wasm;
  let memory: WebAssembly.Memory | null = null;
  const fail = (what: string) => {
    throw new AppError('ZSTD_FAILED', 'zstd stopped', `The zstd WebAssembly module stopped (${what}).`);
  };
  const imports = {
    a: {
      a: (code: number) => fail(`exit ${code}`),
      b: () => undefined,
      c: () => fail('abort'),
      d: () => 0,
      e: (requested: number) => {
        const size = requested >>> 0;
        if (!memory || size > heapMax) return 0;
        const grow = Math.ceil((Math.min(heapMax, Math.max(size, memory.buffer.byteLength * 1.2)) - memory.buffer.byteLength) / 65536);
        try {
          memory.grow(grow);
          return 1;
        } catch {
          return 0;
        }
      },
    },
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(zstdWasmBase64, 'base64')), imports);
  const w = instance.exports as unknown as ZstdWasm;
  memory = w.f;
  w.g();
  wasm = w;
  return w;
}

/** Copies `bytes` into the module's heap; the caller frees the pointer. */
function put(w: ZstdWasm, bytes: Uint8Array): number {
  const ptr = w.s(Math.max(1, bytes.byteLength));
  if (ptr === 0) throw outOfMemory(bytes.byteLength);
  new Uint8Array(w.f.buffer, ptr, bytes.byteLength).set(bytes);
  return ptr;
}

function alloc(w: ZstdWasm, size: number): number {
  const ptr = w.s(Math.max(1, size));
  if (ptr === 0) throw outOfMemory(size);
  return ptr;
}

function outOfMemory(size: number): AppError {
  return new AppError('ZSTD_FAILED', 'zstd ran out of memory', `The zstd WebAssembly heap could not hold ${size} more bytes (its ceiling is 2 GiB).`);
}

/** One zstd frame of `src` at `level`, with `dict` as raw-content dictionary when given (patch-from). */
export function zstdCompress(src: Uint8Array, level: number, dict?: Uint8Array): Uint8Array {
  const w = load();
  const cap = w.i(src.byteLength) >>> 0;
  const s = put(w, src);
  const d = dict && dict.byteLength > 0 ? put(w, dict) : 0;
  const dst = alloc(w, cap);
  const cctx = d ? w.j() : 0;
  try {
    const n = d ? w.l(cctx, dst, cap, s, src.byteLength, d, dict!.byteLength, level) : w.m(dst, cap, s, src.byteLength, level);
    if (w.h(n)) throw new AppError('ZSTD_FAILED', 'zstd could not compress', `zstd error ${n} compressing ${src.byteLength} bytes.`);
    return new Uint8Array(w.f.buffer, dst, n >>> 0).slice();
  } finally {
    if (cctx) w.k(cctx);
    w.t(dst);
    if (d) w.t(d);
    w.t(s);
  }
}

/**
 * Decompresses one frame that must give exactly `size` bytes (read from the delta, never from the frame):
 * anything else, a corrupt frame or the wrong dictionary, throws DELTA_INVALID.
 */
export function zstdDecompress(frame: Uint8Array, size: number, dict?: Uint8Array): Uint8Array {
  const w = load();
  const s = put(w, frame);
  const d = dict && dict.byteLength > 0 ? put(w, dict) : 0;
  const dst = alloc(w, size);
  const dctx = d ? w.n() : 0;
  try {
    const n = d ? w.q(dctx, dst, size, s, frame.byteLength, d, dict!.byteLength) : w.r(dst, size, s, frame.byteLength);
    if (w.h(n) || n >>> 0 !== size) {
      throw new AppError('DELTA_INVALID', 'The delta is damaged', `A compressed part does not decompress to the ${size} bytes it should (${w.h(n) ? `zstd error ${n}` : `${n >>> 0} bytes`}).`);
    }
    return new Uint8Array(w.f.buffer, dst, size).slice();
  } finally {
    if (dctx) w.o(dctx);
    w.t(dst);
    if (d) w.t(d);
    w.t(s);
  }
}
