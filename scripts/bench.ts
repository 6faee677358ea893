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

writeFileSync(join(out, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(out, 'bench.md'), md.join('\n') + '\n');
process.stdout.write(md.join('\n') + '\n');
