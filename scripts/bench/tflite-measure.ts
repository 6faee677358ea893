// TFLite import figures, one JSON line each: conversion time of the largest fixture (read + convert +
// encode, median of 5), and single-thread latency of the converted MobileNets and MNIST LSTMs (28 steps,
// unrolled) in onnxruntime against
// the TFLite C library on the same inputs (both medians of 200 runs after warm-up, measured in turn).
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { readTflite } from '../../electron/core/tflite/read-tflite.js';
import { convertTflite } from '../../electron/core/tflite/to-onnx/convert.js';
import { runOnnx } from '../../electron/core/tflite/verify/ort-run.js';
import { runReference } from '../../electron/core/tflite/verify/reference-runner.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test', 'fixtures', 'tflite');
const RUNS = 200;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function convertOnce(path: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const t0 = performance.now();
  const conversion = convertTflite(readTflite(bytes, basename(path)), { fileName: basename(path) });
  const onnx = encodeModel(conversion.model);
  return { ms: performance.now() - t0, onnx, conversion };
}

const largest = join(fixtures, 't2o-mobilenet_v1_0.25_128.tflite');
const times = Array.from({ length: 5 }, () => convertOnce(largest).ms);
console.log(JSON.stringify({ case: 'convert-largest', file: basename(largest), fileBytes: statSync(largest).size, medianMs: median(times) }));

for (const file of ['t2o-mobilenet_v1_0.25_128.tflite', 't2o-mobilenet_v1_0.25_128_quant.tflite', 'micro-trained_lstm.tflite', 'micro-trained_lstm_int8.tflite']) {
  const path = join(fixtures, file);
  const { onnx } = convertOnce(path);
  const ref = await runReference(path, 'seeded', { seed: 7, timedRuns: RUNS, timeoutMs: 300_000 });
  if (!ref.ok) {
    console.log(JSON.stringify({ case: 'latency', file, error: ref.reason }));
    continue;
  }
  const { timedMs } = await runOnnx(onnx, ref.inputs, { timedRuns: RUNS, level: 'all' });
  const tfliteMs = median(ref.timedMs!.slice(10));
  const onnxMs = median(timedMs.slice(10));
  console.log(JSON.stringify({ case: 'latency', file, runs: RUNS, tfliteMs, onnxMs, ratio: onnxMs / tfliteMs }));
}
