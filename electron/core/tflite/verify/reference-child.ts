// A child process that runs one .tflite model in the TFLite C library (npm tfjs-tflite-node's addon),
// one thread, and sends the outputs back. Its own process because some files crash the library.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { seededInputs, fromWire, toWire, type NamedTensor, type VerifyDType, type WireTensor } from './tensor-data.js';

interface TensorInfo {
  name: string;
  dataType: string;
  shape: string;
  data(): NamedTensor['data'];
}
interface Interpreter {
  getInputs(): TensorInfo[];
  getOutputs(): TensorInfo[];
  infer(): boolean;
}

export interface ReferenceRequest {
  model: string;
  seed: number;
  /** Given inputs (by TFLite tensor name), or null for seeded ones made here from the model's own input details. */
  inputs: WireTensor[] | null;
  /** Timed runs after the first (bench only). */
  timedRuns?: number;
}

export type ReferenceReply =
  | { ok: true; inputs: WireTensor[]; outputs: WireTensor[]; timedMs?: number[] }
  | { ok: false; reason: string };

const shapeOf = (s: string) => (s === '' ? [] : s.split(',').map(Number));
const KNOWN: ReadonlySet<string> = new Set(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'bool']);
// The addon names most types plainly but int64 by its C enum; its data() is a BigInt64Array all the same.
const RENAMED: Record<string, VerifyDType> = { kTfLiteInt64: 'int64' };

function dtypeOf(t: TensorInfo): VerifyDType {
  const dtype = RENAMED[t.dataType] ?? t.dataType;
  if (!KNOWN.has(dtype)) throw new Error(`tensor "${t.name}" has type ${t.dataType || 'unknown'}, which the reference runner cannot exchange`);
  return dtype as VerifyDType;
}

/** The library's messages span lines and point at a web page: one line, the facts only. */
const oneLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).replace(/See instructions: \S+/g, '').replace(/\s+/g, ' ').trim();

function run(req: ReferenceRequest): ReferenceReply {
  const require = createRequire(import.meta.url);
  const binding = require.resolve('tfjs-tflite-node/build/Release/node_tflite_binding.node');
  const addon = require(binding) as { Interpreter: new (model: ArrayBuffer, opts: { threads: number }) => Interpreter };
  let model: ArrayBuffer;
  try {
    const file = readFileSync(req.model);
    model = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  } catch (err) {
    return { ok: false, reason: `the model file cannot be read (${oneLine(err)})` };
  }
  let interpreter: Interpreter;
  try {
    interpreter = new addon.Interpreter(model, { threads: 1 });
  } catch (err) {
    return { ok: false, reason: `the TFLite runtime refused the model (${oneLine(err)})` };
  }
  const infos = interpreter.getInputs();
  const given = req.inputs?.map(fromWire) ?? null;
  const inputs = given ?? seededInputs(infos.map((i) => ({ name: i.name, dtype: dtypeOf(i), shape: shapeOf(i.shape) })), req.seed);
  const used = infos.map((info, k) => {
    const src = given ? (given.find((g) => g.name === info.name) ?? given[k]) : inputs[k];
    const dst = info.data();
    if (!src || src.data.length !== dst.length) throw new Error(`input "${info.name}" needs ${dst.length} values, got ${src?.data.length ?? 0}`);
    if (src.dtype !== dtypeOf(info)) throw new Error(`input "${info.name}" is ${dtypeOf(info)} in the model, got ${src.dtype}`);
    (dst as Float32Array).set(src.data as Float32Array);
    return { ...src, name: info.name };
  });
  let invoked: boolean;
  try {
    invoked = interpreter.infer();
  } catch (err) {
    return { ok: false, reason: `the TFLite runtime failed to run the model (${oneLine(err)})` };
  }
  if (!invoked) return { ok: false, reason: 'the TFLite runtime failed to run the model (Invoke returned an error)' };
  const outputs = interpreter.getOutputs().map((o) => {
    const d = o.data();
    const shape = shapeOf(o.shape);
    const count = shape.reduce((a, b) => a * b, 1);
    // The addon sizes an output's buffer once, before the first run: an output whose shape is decided
    // by the run (WHERE, NON_MAX_SUPPRESSION) comes back cut short, so it cannot be compared.
    if (count !== d.length) {
      throw new Error(`output "${o.name}" has a shape decided at run time ([${shape.join(', ')}]), which the TFLite reference library cannot hand back whole (it returns ${d.length} of ${count} values)`);
    }
    return toWire({ name: o.name, dtype: dtypeOf(o), shape, data: d.slice() });
  });
  const timedMs: number[] = [];
  for (let i = 0; i < (req.timedRuns ?? 0); i++) {
    const t0 = performance.now();
    interpreter.infer();
    timedMs.push(performance.now() - t0);
  }
  return { ok: true, inputs: used.map(toWire), outputs, ...(req.timedRuns ? { timedMs } : {}) };
}

process.once('message', (req: ReferenceRequest) => {
  let reply: ReferenceReply;
  try {
    reply = run(req);
  } catch (err) {
    reply = { ok: false, reason: oneLine(err) };
  }
  process.send!(reply, () => process.exit(0));
});
