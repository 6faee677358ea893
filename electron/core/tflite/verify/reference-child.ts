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

function dtypeOf(t: TensorInfo): VerifyDType {
  if (!KNOWN.has(t.dataType)) throw new Error(`tensor "${t.name}" has type ${t.dataType || 'unknown'}, which the reference runner cannot exchange`);
  return t.dataType as VerifyDType;
}

function run(req: ReferenceRequest): ReferenceReply {
  const require = createRequire(import.meta.url);
  const binding = require.resolve('tfjs-tflite-node/build/Release/node_tflite_binding.node');
  const addon = require(binding) as { Interpreter: new (model: ArrayBuffer, opts: { threads: number }) => Interpreter };
  const file = readFileSync(req.model);
  const model = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  let interpreter: Interpreter;
  try {
    interpreter = new addon.Interpreter(model, { threads: 1 });
  } catch (err) {
    return { ok: false, reason: `the TFLite runtime refused the model (${err instanceof Error ? err.message : String(err)})` };
  }
  const infos = interpreter.getInputs();
  const given = req.inputs?.map(fromWire) ?? null;
  const inputs = given ?? seededInputs(infos.map((i) => ({ name: i.name, dtype: dtypeOf(i), shape: shapeOf(i.shape) })), req.seed);
  infos.forEach((info, k) => {
    const src = given ? (given.find((g) => g.name === info.name) ?? given[k]) : inputs[k];
    const dst = info.data();
    if (!src || src.data.length !== dst.length) throw new Error(`input "${info.name}" needs ${dst.length} values, got ${src?.data.length ?? 0}`);
    (dst as Float32Array).set(src.data as Float32Array);
  });
  if (!interpreter.infer()) return { ok: false, reason: 'the TFLite runtime failed to run the model (Invoke returned an error)' };
  const outputs = interpreter.getOutputs().map((o) => {
    const d = o.data();
    const copy = d.slice();
    return toWire({ name: o.name, dtype: dtypeOf(o), shape: shapeOf(o.shape), data: copy });
  });
  const timedMs: number[] = [];
  for (let i = 0; i < (req.timedRuns ?? 0); i++) {
    const t0 = performance.now();
    interpreter.infer();
    timedMs.push(performance.now() - t0);
  }
  return { ok: true, inputs: inputs.map((t, k) => toWire({ ...t, name: infos[k]?.name ?? t.name })), outputs, ...(req.timedRuns ? { timedMs } : {}) };
}

process.once('message', (req: ReferenceRequest) => {
  let reply: ReferenceReply;
  try {
    reply = run(req);
  } catch (err) {
    reply = { ok: false, reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
  process.send!(reply, () => process.exit(0));
});
