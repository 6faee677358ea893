// Quantization measurements, one JSON line per case on stdout (scripts/bench.ts folds them into its report).
// Usage: tsx scripts/bench/quantize-measure.ts CASE…   (no case: all of them)
// Cases: sample-static, resnet18-static, transformer-dynamic, sample-fp16, calibration-time, calibration-rss.
// calibration-rss-child FILE is internal: one calibration in a fresh process, printing its peak RSS.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { evaluateModel } from '../../electron/core/quantize/evaluate.js';
import { measureKernelCoverage } from '../../electron/core/quantize/kernel-coverage.js';
import { quantizeModel } from '../../electron/core/quantize/quantize-model.js';
import { gaussian } from '../../electron/core/quantize/sample-inputs.js';
import { sideBySide } from '../../electron/core/quantize/side-by-side.js';
import { encodeNpy, readNpy } from '../../electron/core/util/npy.js';
import * as ort from 'onnxruntime-node';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'bench-output');
const sample = path.join(root, 'resources/models/mobilenetv2-digits');
const tt = path.join(root, 'resources/models/tiny-transformer');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-qbench-'));
const ctx = localContext(tmp, tmp);

function peakRss(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
}


/** The full-width ResNet-18 made by the python script when torch is there, else the committed small one. */
function resnet(): { model: string; calibration: string; which: string } {
  const full = path.join(out, 'resnet18');
  const hasTorch = existsSync('/usr/bin/python3') && (() => {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (hasTorch && !existsSync(path.join(full, 'model.onnx'))) {
    execFileSync('/usr/bin/python3', [path.join(root, 'scripts/make-test-models.py'), 'resnet18', full], { stdio: 'ignore' });
  }
  if (existsSync(path.join(full, 'model.onnx'))) return { model: path.join(full, 'model.onnx'), calibration: path.join(full, 'calibration.npy'), which: 'resnet18 (width 64, 224x224, random weights)' };
  const small = path.join(root, 'resources/models/resnet-small');
  return { model: path.join(small, 'model.onnx'), calibration: path.join(small, 'calibration.npy'), which: 'resnet-small (width 16, 64x64, random weights)' };
}

async function staticCase(name: string, model: string, calibration: string, evalData: { inputs: string; labels: string } | null): Promise<Record<string, unknown>> {
  const output = path.join(tmp, `${name}.onnx`);
  const report = await quantizeModel({ model, output, mode: 'static', method: 'percentile', perChannel: true, calibrationNpy: calibration, safetyNet: false }, ctx);
  const sbs = await sideBySide({ parent: model, variant: output, inputsNpy: evalData?.inputs ?? calibration, labelsNpy: evalData?.labels ?? null, maxSamples: 512, latencyRuns: 100 });
  const feeds = { input: new ort.Tensor('float32', sbs.firstRow.data, sbs.firstRow.shape) };
  const cov = await measureKernelCoverage(output, feeds, tmp);
  return {
    top1Float: sbs.parent.top1,
    top1Int8: sbs.variant.top1,
    top1Drop: sbs.parent.top1 !== null && sbs.variant.top1 !== null ? sbs.parent.top1 - sbs.variant.top1 : null,
    agreement: sbs.agreement,
    sqnrDb: sbs.sqnrDb,
    sizeRatio: report.sizeRatio,
    latencyFloatMs: sbs.parent.latencyP50Ms,
    latencyInt8Ms: sbs.variant.latencyP50Ms,
    latencyRatio: sbs.variant.latencyP50Ms / sbs.parent.latencyP50Ms,
    integerCoverage: cov.coverage,
    kernels: cov.kernels,
  };
}

async function compareCase(mode: 'dynamic' | 'fp16', model: string, inputs: string, labels: string | null): Promise<Record<string, unknown>> {
  const output = path.join(tmp, `${mode}-${path.basename(path.dirname(model))}.onnx`);
  const report = await quantizeModel({ model, output, mode, safetyNet: false }, ctx);
  const sbs = await sideBySide({ parent: model, variant: output, inputsNpy: inputs, labelsNpy: labels, latencyRuns: 60 });
  return { agreement: sbs.agreement, sqnrDb: sbs.sqnrDb, sizeRatio: report.sizeRatio, top1Float: sbs.parent.top1, top1Variant: sbs.variant.top1, latencyRatio: sbs.variant.latencyP50Ms / sbs.parent.latencyP50Ms };
}

/** calibration.npy repeated to 1,024 rows with Gaussian noise (σ 0.05). */
async function bigCalibration(): Promise<string> {
  const file = path.join(out, 'calibration-1024.npy');
  if (existsSync(file)) return file;
  const src = await readNpy(path.join(sample, 'calibration.npy'));
  const rowSize = (src.data.length / src.shape[0]) | 0;
  const data = new Float32Array(1024 * rowSize);
  const noise = gaussian(data.length, 7);
  for (let i = 0; i < data.length; i++) data[i] = (src.data as Float32Array)[i % src.data.length] + 0.05 * noise[i];
  mkdirSync(out, { recursive: true });
  writeFileSync(file, encodeNpy({ dtype: 'float32', shape: [1024, ...src.shape.slice(1)], data }));
  return file;
}

function rssOf(file: string, samples: number): number {
  const text = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'calibration-rss-child', file, String(samples)], { encoding: 'utf8' });
  return (JSON.parse(text.trim().split('\n').at(-1)!) as { peakRssBytes: number }).peakRssBytes;
}

const cases: Record<string, (args: string[]) => Promise<Record<string, unknown>>> = {
  'sample-static': () => staticCase('sample-static', path.join(sample, 'model.onnx'), path.join(sample, 'calibration.npy'), { inputs: path.join(sample, 'eval_inputs.npy'), labels: path.join(sample, 'eval_labels.npy') }),
  'resnet18-static': async () => {
    const r = resnet();
    return { model: r.which, ...(await staticCase('resnet18-static', r.model, r.calibration, null)) };
  },
  'transformer-dynamic': () => compareCase('dynamic', path.join(tt, 'model.onnx'), path.join(tt, 'samples.npy'), path.join(tt, 'labels.npy')),
  'sample-fp16': () => compareCase('fp16', path.join(sample, 'model.onnx'), path.join(sample, 'eval_inputs.npy'), path.join(sample, 'eval_labels.npy')),
  'calibration-time': async () => {
    const model = path.join(sample, 'model.onnx');
    const calibration = path.join(sample, 'calibration.npy');
    const t0 = performance.now();
    await evaluateModel({ model, inputsNpy: calibration, latencySamples: 1 });
    const floatPassMs = performance.now() - t0;
    const t1 = performance.now();
    await quantizeModel({ model, output: path.join(tmp, 'time.onnx'), mode: 'static', calibrationNpy: calibration, safetyNet: false }, ctx);
    const quantizeMs = performance.now() - t1;
    return { samples: 128, floatPassMs, quantizeMs, ratio: quantizeMs / floatPassMs };
  },
  'calibration-rss': async () => {
    const big = await bigCalibration();
    const at128 = rssOf(big, 128);
    const at1024 = rssOf(big, 1024);
    return { peakRss128Bytes: at128, peakRss1024Bytes: at1024, ratio: at1024 / at128 };
  },
  'calibration-rss-child': async ([file, samples]) => {
    await quantizeModel({ model: path.join(sample, 'model.onnx'), output: path.join(tmp, 'rss.onnx'), mode: 'static', calibrationNpy: file, calibrationSamples: Number(samples), safetyNet: false }, ctx);
    return { peakRssBytes: peakRss(), samples: Number(samples) };
  },
};

const args = process.argv.slice(2);
const chosen = args.length ? (args[0] === 'calibration-rss-child' ? [args[0]] : args) : Object.keys(cases).filter((c) => !c.endsWith('-child'));
try {
  for (const name of chosen) {
    const run = cases[name];
    if (!run) throw new Error(`unknown case ${name}; cases: ${Object.keys(cases).join(', ')}`);
    const t0 = performance.now();
    const details = await run(args.slice(1));
    console.log(JSON.stringify({ case: name, wallMs: performance.now() - t0, ...details }));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
