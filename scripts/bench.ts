// `npm run bench`: measures side by side in one run and writes bench-output/bench.json and bench.md.
// Each case runs in its own process (fresh heap, its own peak RSS); we report medians of several runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'bench-output');
mkdirSync(out, { recursive: true });
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const sample = join(root, 'resources', 'models', 'mobilenetv2-digits', 'model.onnx');

interface Sample {
  wallMs: number;
  peakRssBytes: number;
  [k: string]: unknown;
}

function measure(args: string[]): Sample {
  const text = execFileSync(tsx, [join(root, 'scripts', 'bench', 'measure.ts'), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(text.trim().split('\n').at(-1)!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs the cases interleaved (A B A B …) so drift of the machine hits both alike. */
function sideBySide(cases: Record<string, string[]>, repeats: number): Record<string, Sample[]> {
  const results: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < repeats; i++) for (const [k, args] of Object.entries(cases)) results[k].push(measure(args));
  return results;
}

const report: Record<string, unknown> = {
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  date: new Date().toISOString(),
};
const md: string[] = ['# EdgeFleet benchmarks', '', `Machine: ${report.machine && JSON.stringify(report.machine)}`, ''];

// 1. Inspect of a 100 MB model against read + protobufjs decode alone.
const big = join(out, 'big-gemm-100mb.onnx');
if (!existsSync(big)) execFileSync(tsx, [join(root, 'scripts', 'make-big-model.ts'), big, '100'], { stdio: 'inherit' });
const bigBytes = statSync(big).size;
const inspectRuns = sideBySide(
  { decode: ['baseline-decode', big], inspect: ['inspect', big], inspectLoad: ['inspect-load-check', big] },
  3,
);
const med = (k: string, f: keyof Sample) => median(inspectRuns[k].map((s) => s[f] as number));
const inspect = {
  fileBytes: bigBytes,
  decodeMs: med('decode', 'wallMs'),
  inspectMs: med('inspect', 'wallMs'),
  inspectWithLoadCheckMs: med('inspectLoad', 'wallMs'),
  timeRatio: med('inspect', 'wallMs') / med('decode', 'wallMs'),
  decodePeakRssBytes: med('decode', 'peakRssBytes'),
  inspectPeakRssBytes: med('inspect', 'peakRssBytes'),
  inspectWithLoadCheckPeakRssBytes: med('inspectLoad', 'peakRssBytes'),
  memoryRatio: med('inspect', 'peakRssBytes') / bigBytes,
  goal: 'inspect ≤ 2× read+decode time; peak memory < 3× file size',
};
report.inspect100MB = inspect;
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
md.push(
  '## Inspect of a 100 MB model (median of 3, each in a fresh process)',
  '',
  '| case | wall ms | peak RSS MiB |',
  '|---|---:|---:|',
  `| read + protobufjs decode (baseline) | ${inspect.decodeMs.toFixed(0)} | ${mb(inspect.decodePeakRssBytes)} |`,
  `| inspect (no load check) | ${inspect.inspectMs.toFixed(0)} | ${mb(inspect.inspectPeakRssBytes)} |`,
  `| inspect with onnxruntime load check | ${inspect.inspectWithLoadCheckMs.toFixed(0)} | ${mb(inspect.inspectWithLoadCheckPeakRssBytes)} |`,
  '',
  `Time ratio inspect/decode: **${inspect.timeRatio.toFixed(2)}×** (goal ≤ 2). Peak memory / file size: **${inspect.memoryRatio.toFixed(2)}×** (goal < 3). File: ${mb(bigBytes)} MiB.`,
  '',
);

// 2. Profiling of the sample model: 200 runs wall time, and the profiler's overhead.
const profRuns = sideBySide({ profile: ['profile', sample, '200'] }, 3).profile;
const profile = {
  runs: 200,
  wallMs: median(profRuns.map((s) => s.wallMs)),
  plainMeanMs: median(profRuns.map((s) => s.meanMs as number)),
  profiledMeanMs: median(profRuns.map((s) => (s.runTimeUs as number) / 1000)),
  nodeCoverage: median(profRuns.map((s) => (s.nodeTimeUs as number) / (s.runTimeUs as number))),
  peakRssBytes: median(profRuns.map((s) => s.peakRssBytes)),
};
const overhead = profile.profiledMeanMs / profile.plainMeanMs;
report.profileSample = { ...profile, overheadRatio: overhead, goal: '200 runs < 5 s; profiled/plain ≤ 1.3' };
md.push(
  '## Profiling the sample model (mobilenetv2-digits, batch 1; median of 3)',
  '',
  '| figure | value |',
  '|---|---:|',
  `| wall time, profile with 200 runs (plain + profiled sessions, 10 warm-up each) | ${(profile.wallMs / 1000).toFixed(2)} s |`,
  `| plain mean latency | ${profile.plainMeanMs.toFixed(3)} ms |`,
  `| profiled mean latency | ${profile.profiledMeanMs.toFixed(3)} ms |`,
  `| profiled / plain | **${overhead.toFixed(2)}×** (goal ≤ 1.3) |`,
  `| node time / run time (trace coverage) | ${(profile.nodeCoverage * 100).toFixed(1)} % |`,
  `| peak RSS | ${mb(profile.peakRssBytes)} MiB |`,
  '',
);

// 3. The console stays responsive: main-thread event-loop delay while a profiling job runs in a worker.
const loop = sideBySide({ loop: ['event-loop-during-job', sample, '300'] }, 3).loop;
const responsiveness = {
  idleP99Ms: median(loop.map((s) => s.idleP99Ms as number)),
  duringJobP99Ms: median(loop.map((s) => s.duringJobP99Ms as number)),
  duringJobMaxMs: median(loop.map((s) => s.duringJobMaxMs as number)),
};
report.responsiveness = responsiveness;
md.push(
  '## Main-thread responsiveness while a job runs (event-loop delay, median of 3)',
  '',
  '| figure | ms |',
  '|---|---:|',
  `| idle p99 | ${responsiveness.idleP99Ms.toFixed(1)} |`,
  `| during a 300-run profiling job, p99 | ${responsiveness.duringJobP99Ms.toFixed(1)} |`,
  `| during the job, max | ${responsiveness.duringJobMaxMs.toFixed(1)} |`,
  '',
);

// 4. Quantization: accuracy, size, speed, integer-kernel coverage, calibration cost and memory.
function jsonLines(script: string, args: string[]): Record<string, unknown>[] {
  const text = execFileSync(tsx, [join(root, 'scripts', 'bench', script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, EDGEFLEET_DISCOVERY: 'off' },
  });
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}
const q: Record<string, Record<string, unknown>> = Object.fromEntries(jsonLines('quantize-measure.ts', []).map((r) => [String(r.case), r]));
report.quantize = q;
const f2 = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '—');
const p1 = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—');
const ss = q['sample-static'] ?? {};
const rs = q['resnet18-static'] ?? {};
const td = q['transformer-dynamic'] ?? {};
const fp = q['sample-fp16'] ?? {};
const ct = q['calibration-time'] ?? {};
const cr = q['calibration-rss'] ?? {};
md.push(
  '## Quantization (latency ratios at batch 1, interleaved with the float model in the same process)',
  '',
  '| case | top-1 float → variant | agreement | SQNR dB | size × | latency × | int8 kernel coverage |',
  '|---|---|---:|---:|---:|---:|---:|',
  `| sample, static INT8 per-channel (percentile) | ${p1(ss.top1Float)} → ${p1(ss.top1Int8 ?? ss.top1Variant)} | ${p1(ss.agreement)} | ${f2(ss.sqnrDb, 1)} | ${f2(ss.sizeRatio, 3)} | ${f2(ss.latencyRatio)} | ${p1(ss.integerCoverage)} |`,
  `| ${rs.model ?? 'resnet-18'}, static INT8 per-channel | — | ${p1(rs.agreement)} | ${f2(rs.sqnrDb, 1)} | ${f2(rs.sizeRatio, 3)} | **${f2(rs.latencyRatio)}** | ${p1(rs.integerCoverage)} |`,
  `| tiny transformer, dynamic INT8 | ${p1(td.top1Float)} → ${p1(td.top1Variant)} | ${p1(td.agreement)} | ${f2(td.sqnrDb, 1)} | ${f2(td.sizeRatio, 3)} | ${f2(td.latencyRatio)} | — |`,
  `| sample, FP16 (float32 IO kept) | ${p1(fp.top1Float)} → ${p1(fp.top1Variant)} | ${p1(fp.agreement)} | ${f2(fp.sqnrDb, 1)} | ${f2(fp.sizeRatio, 3)} | ${f2(fp.latencyRatio)} | — |`,
  '',
  `Calibration + static quantization of the sample over 128 samples: ${f2(ct.quantizeMs, 0)} ms against one float pass over the same samples of ${f2(ct.floatPassMs, 0)} ms (goal ≤ 2× + 2 s fixed). Peak RSS at 128 vs 1,024 calibration samples: ${(Number(cr.peakRss128Bytes) / 2 ** 20).toFixed(0)} vs ${(Number(cr.peakRss1024Bytes) / 2 ** 20).toFixed(0)} MiB (${f2(cr.ratio)}×).`,
  '',
);

// 5. Deploys to real agents on loopback: one device against a plain TCP copy, then 50 at once.
const bigDeploy = join(out, 'gemm-10mb.onnx');
if (!existsSync(bigDeploy)) execFileSync(tsx, [join(root, 'scripts', 'make-big-model.ts'), bigDeploy, '10'], { stdio: 'inherit' });
const [dep] = jsonLines('deploy-measure.ts', [bigDeploy, '50']);
report.deploy = dep;
md.push(
  '## Deploy to agents on loopback (signed upload + verify, no activation)',
  '',
  '| figure | value |',
  '|---|---:|',
  `| model size | ${(Number(dep.bytes) / 1e6).toFixed(1)} MB |`,
  `| one agent, first deploy (starts a job worker) | ${f2(dep.coldDeployMs, 0)} ms |`,
  `| one agent, next deploys (warm worker): time / throughput, median of 5 | ${f2(dep.singleDeployMs, 0)} ms / ${f2(dep.singleMBps, 1)} MB/s |`,
  `| plain TCP copy of the same bytes | ${f2(dep.tcpCopyMs, 0)} ms / ${f2(dep.tcpMBps, 1)} MB/s |`,
  `| TLS copy of the same bytes (the agent's certificate, nothing written): time / share of TCP | ${f2(dep.tlsCopyMs, 0)} ms / ${p1(dep.tlsVsTcp)} |`,
  `| sha256 of the same bytes in one call (the device must hash every byte): time / share of TCP | ${f2(dep.sha256Ms, 0)} ms / ${p1(dep.sha256VsTcp)} |`,
  `| deploy throughput / TCP throughput | **${p1(dep.throughputVsTcp)}** (goal ≥ 50 %) |`,
  `| ${dep.agents} agents at once: total | ${f2(dep.fleetDeployMs, 0)} ms (${f2(dep.fleetVsSerial, 3)}× of ${dep.agents} × single) |`,
  `| console event-loop delay during the fleet deploy: p99 / max | ${f2(dep.eventLoopP99Ms, 1)} / ${f2(dep.eventLoopMaxMs, 1)} ms |`,
  '',
);

// 6. The agent: idle memory and the local inference endpoint's overhead over a direct onnxruntime call.
const [srv] = jsonLines('serving-measure.ts', []);
report.agentServing = srv;
md.push(
  '## Device agent (one agent on loopback, the sample model)',
  '',
  '| figure | value |',
  '|---|---:|',
  `| idle RSS, no model / with the sample active | ${(Number(srv.idleRssNoModelBytes) / 2 ** 20).toFixed(0)} / ${(Number(srv.idleRssWithModelBytes) / 2 ** 20).toFixed(0)} MiB |`,
  `| inference p50 through the agent's HTTP endpoint (JSON + base64) | ${f2(srv.agentP50Ms, 3)} ms |`,
  `| direct onnxruntime-node call, same model and input, interleaved | ${f2(srv.directP50Ms, 3)} ms |`,
  `| overhead per request (p50) | ${f2(srv.overheadP50Ms, 3)} ms |`,
  '',
);

// 7. Rollouts: the engine rolling a 5 MB model out to 200 agents on loopback (4 host processes of 50).
const rolloutModel = join(out, 'gemm-5mb.onnx');
if (!existsSync(rolloutModel)) execFileSync(tsx, [join(root, 'scripts', 'make-big-model.ts'), rolloutModel, '5', '512'], { stdio: 'inherit' });
const [ro] = jsonLines('rollout-measure.ts', [rolloutModel, '200', '4', '32', 'https']);
// The same rollout with the agents connected out to a local Mosquitto (MQTT binding; they pull the model over HTTP from the artifact server).
const [rm] = jsonLines('rollout-measure.ts', [rolloutModel, '200', '4', '32', 'mqtt']);
report.rollout = ro;
report.rolloutMqtt = rm;
md.push(
  '## Rollout orchestration (200 agents on loopback in 4 processes, 5 MB model, stages 5 % → 25 % → 100 %, no soak)',
  '',
  'Both columns in one run: the agents reached over HTTPS, and the same agents connected out to one local Mosquitto 2.0',
  '(the upload as signed 64 KiB base64 chunks through the broker, the MQTT fallback path).',
  '',
  '| figure | HTTPS | MQTT (Mosquitto) |',
  '|---|---:|---:|',
  `| devices updated (upload, verify, trial, gates, confirm) | ${ro.confirmed} of ${ro.agents}, ${ro.status} | ${rm.confirmed} of ${rm.agents}, ${rm.status} |`,
  `| total time | ${f2(Number(ro.totalMs) / 1000, 1)} s | ${f2(Number(rm.totalMs) / 1000, 1)} s |`,
  `| device updates per minute (goal ≥ 1,000, AWS IoT Jobs' ceiling) | **${f2(ro.updatesPerMinute, 0)}** | **${f2(rm.updatesPerMinute, 0)}** |`,
  `| CPU per device update: console / agents | ${f2(ro.consoleCpuMsPerDevice, 0)} / ${f2(ro.agentCpuMsPerDevice, 0)} ms | ${f2(rm.consoleCpuMsPerDevice, 0)} / ${f2(rm.agentCpuMsPerDevice, 0)} ms |`,
  `| CPU per device update: broker | — | ${f2(rm.brokerCpuMsPerDevice, 0)} ms |`,
  `| console RSS at the end | ${f2(Number(ro.consoleRssBytes) / 2 ** 20, 0)} MiB | ${f2(Number(rm.consoleRssBytes) / 2 ** 20, 0)} MiB |`,
  `| console event-loop delay: p99 / max | ${f2(ro.eventLoopP99Ms, 1)} / ${f2(ro.eventLoopMaxMs, 1)} ms | ${f2(rm.eventLoopP99Ms, 1)} / ${f2(rm.eventLoopMaxMs, 1)} ms |`,
  `| reconnect storm: broker kill -9, down 2 s, restarted; every agent back online (p50 / all) | — | ${f2(Number((rm.storm as { p50BackMs?: number })?.p50BackMs) / 1000, 1)} / ${f2(Number((rm.storm as { allBackMs?: number })?.allBackMs) / 1000, 1)} s |`,
  '',
);

// 7b. Fleet scale: 10,000 simulated devices (real MQTT binding and journal each) through one Mosquitto; EDGEFLEET_BENCH_FLEET sets the count.
const [fl] = jsonLines('fleet-measure.ts', [rolloutModel]);
report.fleetMqtt = fl;
const flStorm = (fl.storm ?? {}) as Record<string, unknown>;
const flLoop = (fl.eventLoop ?? {}) as Record<string, unknown>;
md.push(
  `## Fleet scale over MQTT (${Number(fl.devices).toLocaleString('en-US')} simulated devices in ${fl.hostProcesses} processes, each with the real MQTT binding and request journal, one local Mosquitto 2.0, 5 MB model)`,
  '',
  `Artifact path: ${fl.artifactPath}. Stages ${(fl.stages as number[]).join(' → ')} devices, health gates after each, no soak, concurrency ${fl.concurrency}.`,
  '',
  '| figure | value |',
  '|---|---:|',
  `| pairing through the broker (mqtt.add, ${fl.devices} in parallel) | ${f2(Number(fl.pairMs) / 1000, 1)} s (${f2(fl.pairsPerSecond, 0)} pairings/s) |`,
  `| devices updated (pull + sha256, trial, gates, confirm) | ${fl.confirmed} of ${fl.devices}, ${fl.status} |`,
  `| total rollout time | ${f2(Number(fl.totalMs) / 1000, 1)} s |`,
  `| device updates per minute (goal ≥ 3,000) | **${f2(fl.updatesPerMinute, 0)}** |`,
  `| CPU per device update: console / simulated devices / broker | ${f2(fl.consoleCpuMsPerDevice, 1)} / ${f2(fl.hostsCpuMsPerDevice, 1)} / ${f2(fl.brokerCpuMsPerDevice, 2)} ms |`,
  `| console RSS peak | ${f2(Number(fl.consoleRssPeakBytes) / 2 ** 20, 0)} MiB |`,
  `| console event-loop delay during the rollout: p50 / p99 / max | ${f2(flLoop.p50Ms, 1)} / ${f2(flLoop.p99Ms, 1)} / ${f2(flLoop.maxMs, 1)} ms |`,
  `| reconnect storm: broker kill -9, down 2 s, restarted from its persistence; back online and reconciled (p50 / all) | ${f2(Number(flStorm.p50BackMs) / 1000, 1)} / ${flStorm.allBackMs === null ? `only ${flStorm.back}` : f2(Number(flStorm.allBackMs) / 1000, 1)} s |`,
  `| devices that activated the same sha256 twice | **${fl.devicesDeployedTwice}** (${fl.noDeviceDeployedTwice ? 'none: each device activated the model exactly once' : 'FAILED'}) |`,
  '',
);

// 8. USB serial: payload throughput of a signed upload to a real agent through a pty relay throttled to the line rate.
const [ser] = jsonLines('serial-measure.ts', []);
report.serial = ser;
const serialCases = ser.cases as { baud: number; ber: number; bytes: number; lineFraction: number; retransmits: number; framesSent: number }[];
md.push(
  '## USB serial link (agent behind a pty relay at the line rate, 8N1, incompressible data)',
  '',
  '| baud | bit errors | payload | share of line rate | retransmitted frames | goal |',
  '|---:|---:|---:|---:|---:|---:|',
  ...serialCases.map((c) => `| ${c.baud.toLocaleString('en-US')} | ${c.ber ? c.ber.toExponential(0) : 'none'} | ${(c.bytes / 1000).toFixed(0)} kB | **${p1(c.lineFraction)}** | ${c.retransmits} of ${c.framesSent} | ${c.ber ? '≥ 75 %' : '≥ 90 %'} |`),
  '',
);

// 9. SSH: provisioning the agent onto a host (real sshd on loopback) and SFTP against scp of the same 50 MB.
const [sshRun] = jsonLines('ssh-measure.ts', ['50', '3']);
report.ssh = sshRun;
md.push(
  '## SSH hosts (OpenSSH sshd on loopback, a throwaway user, no systemd: supervised background agent)',
  '',
  '| figure | value |',
  '|---|---:|',
  `| provision: check, upload ${sshRun.bundleFiles} files, install, start, pair | ${f2(Number(sshRun.provisionMs) / 1000, 1)} s |`,
  `| provision again (nothing to change) | ${f2(Number(sshRun.reprovisionMs) / 1000, 1)} s |`,
  `| SFTP upload of ${(Number(sshRun.bytes) / 1e6).toFixed(0)} MB (connect included) | ${f2(sshRun.sftpMBps, 1)} MB/s |`,
  `| scp of the same file | ${f2(sshRun.scpMBps, 1)} MB/s |`,
  `| SFTP speed / scp speed | **${f2(sshRun.sftpVsScp)}×** |`,
  '',
);

// 10. The Fleet page in Chromium: 10,000 devices, 1,000 status changes a second through the real event path.
const [fleet] = jsonLines('fleet-page-measure.ts', ['10000', '1000', '10']);
report.fleetPage = fleet;
md.push(
  '## Fleet page (Debian Chromium, 10,000 devices, 1,000 status changes/s through registry → events → WebSocket)',
  '',
  '| figure | value |',
  '|---|---:|',
  `| time to first render of the grid (navigation start → rows drawn, list of 10,000 answered at ${f2(fleet.listAnsweredMs, 0)} ms) | **${f2(fleet.firstRenderMs, 0)} ms** (goal ≤ 1,000) |`,
  `| frame time while changes stream in: p95 / p99 / max | **${f2(fleet.p95FrameMs, 1)}** / ${f2(fleet.p99FrameMs, 1)} / ${f2(fleet.maxFrameMs, 1)} ms (goal p95 ≤ 50) |`,
  `| frame time while also scrolling ~2,000 rows/s: p95 / max | ${f2(fleet.p95FrameScrollingMs, 1)} / ${f2(fleet.maxFrameScrollingMs, 1)} ms |`,
  `| changes pushed (per second achieved) / full-list refetches / incremental requests | ${fleet.changesPushed} (${fleet.changesPerSecPushed}/s) / ${fleet.listRequestsDuringChanges} / ${fleet.summariesRequests} |`,
  `| rows in the page at once | ${fleet.rowsInDom} |`,
  '',
);

// 11. TFLite import: conversion time of the largest fixture; converted MobileNets in onnxruntime against the
// TFLite C library (tfjs-tflite-node's, TFLite 2.9) on the same inputs, one thread each.
const tfl: Record<string, Record<string, unknown>> = Object.fromEntries(
  jsonLines('tflite-measure.ts', []).map((r) => [r.case === 'latency' ? `latency:${String(r.file)}` : String(r.case), r]),
);
report.tflite = tfl;
const tc = tfl['convert-largest'] ?? {};
const lf = tfl['latency:t2o-mobilenet_v1_0.25_128.tflite'] ?? {};
const lq = tfl['latency:t2o-mobilenet_v1_0.25_128_quant.tflite'] ?? {};
const ll = tfl['latency:micro-trained_lstm.tflite'] ?? {};
const lli = tfl['latency:micro-trained_lstm_int8.tflite'] ?? {};
md.push(
  '## TFLite import (single thread, median of 200 runs each, same seeded inputs)',
  '',
  '| figure | value |',
  '|---|---:|',
  `| read + convert + encode ${tc.file} (${(Number(tc.fileBytes) / 2 ** 20).toFixed(1)} MiB, the largest fixture), median of 5 | ${f2(tc.medianMs, 0)} ms |`,
  `| MobileNet v1 0.25 128 float: TFLite C library / converted ONNX in onnxruntime | ${f2(lf.tfliteMs, 3)} / ${f2(lf.onnxMs, 3)} ms (**${f2(lf.ratio)}×**, goal ≤ 1) |`,
  `| MobileNet v1 0.25 128 uint8: TFLite C library / converted ONNX (QDQ, fused integer kernels) | ${f2(lq.tfliteMs, 3)} / ${f2(lq.onnxMs, 3)} ms (**${f2(lq.ratio)}×**, goal ≤ 1) |`,
  `| MNIST LSTM float (28 steps, unrolled): TFLite C library / converted ONNX | ${f2(ll.tfliteMs, 3)} / ${f2(ll.onnxMs, 3)} ms (**${f2(ll.ratio)}×**) |`,
  `| MNIST LSTM int8 (28 steps, unrolled, fake-quantized cell): TFLite C library / converted ONNX | ${f2(lli.tfliteMs, 3)} / ${f2(lli.onnxMs, 3)} ms (**${f2(lli.ratio)}×**) |`,
  '',
);

// 12. Model deltas: delta size / full size for the sample's update shapes, build and apply time, and a
// head-only fine-tune reaching a real agent at 115,200 baud as a delta against in full.
const [delta] = jsonLines('delta-measure.ts', []);
report.deltas = delta;
const dc = (delta.cases as Record<string, unknown>[]) ?? [];
const ds = (delta.serial as Record<string, unknown>) ?? {};
md.push(
  '## Model deltas (format efd1: tensors for ONNX, content-defined chunks otherwise; median of 3 builds and applies)',
  '',
  '| case | full | delta | delta / full | plain zstd / full | build | apply |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...dc.map((c) => `| ${c.case} | ${(Number(c.fullBytes) / 1024).toFixed(0)} KiB | ${(Number(c.deltaBytes) / 1024).toFixed(1)} KiB | **${f2(Number(c.ratio) * 100, 1)} %** | ${f2(Number(c.zstdFullRatio) * 100, 0)} % | ${f2(c.buildMs, 0)} ms | ${f2(c.applyMs, 0)} ms |`),
  '',
  `Head-only goal ≤ 5 %. At ${ds.baud} baud (relayed ptys, a real agent, deployToDevice: upload, rebuild, trial, confirm): head-only fine-tune as a delta **${f2(ds.deltaSeconds, 1)} s**, in full ${f2(ds.fullSeconds, 1)} s (${f2(ds.speedup, 0)}× faster).`,
  '',
);

// 13. arm64: the self-contained agent builds' sizes, and an EMULATED arm64 board (stock Debian 12 arm64 without
// Node, its own sshd under qemu-user): provisioning over SSH with the pinned arm64 Node, the agent's idle RSS.
const { arm64RigMissing } = await import('../test/helpers/arm64-board.js');
const arm64Missing = arm64RigMissing() ?? (['arm64', 'x64'].every((a) => existsSync(join(root, 'resources', 'agent', 'runtimes', `linux-${a}`, 'node'))) ? null : 'the pinned Node runtimes are not fetched: npm run fetch:agent-runtimes');
if (arm64Missing) {
  process.stderr.write(`bench: section 13 (arm64) skipped: ${arm64Missing}\n`);
  report.arm64 = { skipped: arm64Missing };
  md.push('## arm64 agent builds and an emulated arm64 board', '', `Skipped: ${arm64Missing}.`, '');
} else {
  const [arm] = jsonLines('arm64-measure.ts', []);
  report.arm64 = arm;
  const builds = arm.builds as Record<'arm64' | 'x64', { archiveBytes: number; unpackedBytes: number; files: number }>;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  md.push(
    '## arm64 agent builds and an emulated arm64 board (qemu-user: board figures are EMULATED, not a real board\'s)',
    '',
    '| figure | value |',
    '|---|---:|',
    ...(['arm64', 'x64'] as const).map((a) => `| \`edgefleet agent build --arch ${a}\`: archive / unpacked (${builds[a].files} files) | ${mib(builds[a].archiveBytes)} / ${mib(builds[a].unpackedBytes)} |`),
    `| provision the emulated arm64 board over SSH, no Node on it (check, upload ${arm.uploaded} files with the pinned arm64 Node, start, pair), **emulated** | ${f2(Number(arm.provisionMs) / 1000, 1)} s |`,
    `| provision it again (${arm.uploadedAgain} files uploaded), **emulated** | ${f2(Number(arm.reprovisionMs) / 1000, 1)} s |`,
    `| agent idle RSS on the board once paired, **emulated** (qemu-user's RSS: the emulator is included) | ${mib(Number(arm.agentIdleRssBytes))} |`,
    `| upgrade the board's agent from the console (${mib(Number(arm.upgradeBytes))} signed arm64 build: upload, checks, unpack, restart, confirmed), **emulated** | ${f2(Number(arm.upgradeMs) / 1000, 1)} s |`,
    '',
  );
}

// 14. Drift sketches: one device window's size, and the console reading, merging and judging 10,000 devices' windows.
const [drift] = jsonLines('drift-measure.ts', ['10000', '300']);
report.drift = drift;
const dcn = drift.console as Record<string, number>;
const dwb = drift.windowBytes as Record<string, number>;
md.push(
  '## Drift sketches (t-digest δ=100 + reference-decile histograms; one 5-minute window of 300 inferences of the sample model)',
  '',
  '| figure | value |',
  '|---|---:|',
  `| sketch set per device window (${(drift.stats as string[]).join(', ')}), JSON / gzip | **${(dwb.median / 1024).toFixed(1)} KiB** / ${(dwb.gzipMedian / 1024).toFixed(1)} KiB |`,
  `| the same for an 8-feature sensor model (mean, std, 8 features, score) | ${(Number(drift.sensorWindowBytes) / 1024).toFixed(1)} KiB |`,
  `| agent cost per inference (3×32×32 input, 10 logits) | ${f2(drift.deviceRecordUs, 1)} µs |`,
  `| console: parse+validate / merge / judge each device / judge fleet, ${dcn.devices} devices | ${f2(dcn.readMs, 0)} / ${f2(dcn.mergeMs, 0)} / ${f2(dcn.judgeEachDeviceMs, 0)} / ${f2(dcn.judgeFleetMs, 1)} ms |`,
  `| console total for one window of ${dcn.devices} devices, peak heap above baseline | **${f2(dcn.totalMs, 0)} ms**, ${(dcn.peakHeapBytes / 2 ** 20).toFixed(1)} MiB |`,
  '',
);

// 15. Site bundles: create and import throughput of a bundle carrying one 256 MiB model, against plain tar.
const [bundle] = jsonLines('bundle-measure.ts', ['256']);
report.bundle = bundle;
md.push(
  `## Site bundles (one ${(Number(bundle.modelBytes) / 2 ** 20).toFixed(0)} MiB model, incompressible; median of 3; same disk)`,
  '',
  '| | MB/s |',
  '|---|---:|',
  `| \`bundle create\` (hash for the signed targets, tar stream, parts with SHA256SUMS, fsync) | ${f2(bundle.createMBps, 0)} |`,
  `| plain \`tar -cf\` of the same file (+ sync) | ${f2(bundle.tarCreateMBps, 0)} |`,
  `| \`bundle import\` (check every part's sha256 first, then stream each file against its signed hash, register) | ${f2(bundle.importMBps, 0)} |`,
  `| plain \`tar -xf\` (+ sync) | ${f2(bundle.tarExtractMBps, 0)} |`,
  `| bundle overhead (header, TUF metadata, SHA256SUMS, info) | ${(Number(bundle.overheadBytes) / 1024).toFixed(1)} KiB |`,
  '',
  `Head-only fine-tune of the sample model for a site whose last report shows the sample: bundle **${(Number(bundle.headOnlyDeltaBytes) / 1024).toFixed(1)} KiB** with a delta against ${(Number(bundle.headOnlyFullBytes) / 1024).toFixed(1)} KiB with the full model (${((100 * Number(bundle.headOnlyDeltaBytes)) / Number(bundle.headOnlyFullBytes)).toFixed(1)} %).`,
  '',
);

// 16. Business metrics: the agent's cost per application report, a window's summary, and the console storing an
// hour of 5-minute windows from 10,000 devices before and after a deploy and judging a metric gate over them.
const [metrics] = jsonLines('app-metrics-measure.ts', ['10000', '12']);
report.appMetrics = metrics;
md.push(
  `## Business metrics (${metrics.devices} devices, ${metrics.windows} five-minute windows each before and after a deploy, 3 metrics)`,
  '',
  '| figure | value |',
  '|---|---:|',
  `| agent: parse and add one POST /v1/metrics body of 3 metrics | ${f2(metrics.agentReportUs, 1)} µs |`,
  `| one window's summary of 3 metrics in telemetry (JSON) | ${metrics.summaryBytes} B |`,
  `| console: store ${Number(metrics.storedWindows).toLocaleString('en-US')} windows (SQLite, one transaction) | ${f2(metrics.ingestMs, 0)} ms |`,
  `| console: read each device's totals before and after | ${f2(metrics.readMs, 0)} ms |`,
  `| console: judge metric:false_alarm<=1.05x over all devices | **${f2(metrics.judgeMs, 1)} ms** |`,
  '',
  `The windows were made with a false-alarm rate 20 % higher after the deploy: ${String((metrics.gate as { explanation: string }).explanation)}`,
  '',
);

// 17. Federated learning: the device trainer's throughput, and SecAgg+ per stage (10 clients, 100,000 parameters, 3 dropped).
const [federated] = jsonLines('federated-measure.ts', []);
report.federated = federated;
const flTrainer = federated.trainer as { sizes: number[]; parameters: number; samplesPerSec: number }[];
const flSec = federated.secagg as { clients: number; paramCount: number; dropped: number; clientMs: Record<string, number>; serverMs: Record<string, number> };
md.push(
  '## Federated learning (one core; the TypeScript trainer: Adam, MSE, batch 64, 3 epochs over 8,192 windows)',
  '',
  '| autoencoder | parameters | samples/s |',
  '|---|---:|---:|',
  ...flTrainer.map((t) => `| ${t.sizes.join('→')} | ${t.parameters.toLocaleString('en-US')} | ${Math.round(t.samplesPerSec).toLocaleString('en-US')} |`),
  '',
  `SecAgg+ with ${flSec.clients} clients, ${flSec.paramCount.toLocaleString('en-US')} parameters, ${flSec.dropped} dropped before their masked input (ms):`,
  '',
  '| stage | per client | server |',
  '|---|---:|---:|',
  ...Object.keys(flSec.clientMs).map((k) => `| ${k} | ${f2(flSec.clientMs[k], 1)} | ${f2(flSec.serverMs[k], 1)} |`),
  '',
);

// 17b. Whole rounds through the RoundEngine: 10, 100 and 1,000 simulated clients (one worker thread, each really
// training on its own NAB windows), plain and SecAgg+: time, bytes the console sent and received, peak heap.
const [flRounds] = jsonLines('fl-round-measure.ts', []);
report.federatedRounds = flRounds;
const flR = flRounds.rounds as { clients: number; secure: boolean; numShares: number | null; threshold: number | null; phase: string; participants: number; wallMs: number; phaseMs: Record<string, number>; consoleSent: number; consoleReceived: number; heapBaseMb: number; heapPeakMb: number }[];
const kib = (b: number) => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`);
const secaggMs = (r: (typeof flR)[number]) => Object.entries(r.phaseMs).reduce((s, [k, v]) => s + (k.startsWith('secagg-') ? v : 0), 0);
md.push(
  `Whole rounds of the sample model through the RoundEngine (fl.start to the verdict; clients simulated in one worker thread, each training 1 epoch over its own ${String(flRounds.trainWindows)} NAB windows, batch 16; secure rounds with the SecAgg+ ring, numShares 2·⌈log2 n⌉+1):`,
  '',
  '| clients | secure | outcome (participants) | round | training | SecAgg+ stages | console received | console sent | console peak heap |',
  '|---:|---|---|---:|---:|---:|---:|---:|---:|',
  ...flR.map(
    (r) =>
      `| ${r.clients.toLocaleString('en-US')} | ${r.secure ? `SecAgg+ (${r.numShares} shares, t ${r.threshold})` : 'no'} | ${r.phase} (${r.participants}) | **${f2(r.wallMs / 1000, 2)} s** | ${f2((r.phaseMs.training ?? 0) / 1000, 2)} s | ${r.secure ? `${f2(secaggMs(r) / 1000, 2)} s` : '—'} | ${kib(r.consoleReceived)} | ${kib(r.consoleSent)} | ${f2(r.heapPeakMb, 0)} MiB (+${f2(r.heapPeakMb - r.heapBaseMb, 0)}) |`,
  ),
  '',
);

// 18. Tuning for a device: the same tune on the workstation and timed on real agents (an ordinary one, and one
// with --graph-optimization disabled: no INT8 fast paths), with what was sent and how long the device took.
const tuneDevice = jsonLines('tune-device-measure.ts', []);
report.tuneDevice = tuneDevice;
md.push(
  '## Tuning for a device (sample model, static INT8 tune, budget 1 point; agents on this machine over HTTPS)',
  '',
  '| timed on | wall time | outcome | steps | layers slower in INT8 there (kept float) | variant/parent latency there | candidates sent | bytes sent | time on the device |',
  '|---|---:|---|---:|---:|---:|---:|---:|---:|',
  ...tuneDevice.map(
    (r) =>
      `| ${String(r.case)} | **${f2(Number(r.wallMs) / 1000, 1)} s** | ${r.error ? String(r.error) : 'variant'} | ${r.steps ?? '—'} | ${r.slowerLayers === null ? '—' : `${String(r.slowerLayers)} (${String(r.keptFloatForDevice)})`} | ${f2(r.latencyRatio)} | ${String(r.uploads)} | ${(Number(r.bytesSent) / 2 ** 20).toFixed(1)} MiB | ${f2(Number(r.deviceMs) / 1000, 1)} s |`,
  ),
  '',
);

writeFileSync(join(out, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(out, 'bench.md'), md.join('\n') + '\n');
process.stdout.write(md.join('\n') + '\n');
