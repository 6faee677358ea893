// A ProfileResult as text for the terminal.
import type { ProfileResult, ProfileRow } from '../api/types.js';

const TOP = 15;
const BAR = 20;

export function formatProfile(p: ProfileResult): string[] {
  const l = p.latencyMs;
  const lines = [
    `${p.modelName} on ${p.device.name} (${p.device.cpu}), ${p.runtime.name} ${p.runtime.version}`,
    `${p.options.runs} runs after ${p.options.warmup} warm-up, threads ${p.options.threads || 'auto'}, input ${p.options.input}${p.options.graphOptimization ? `, graph optimization ${p.options.graphOptimization}` : ''}`,
    `latency ms  mean ${ms(l.mean)}  p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  min ${ms(l.min)}  max ${ms(l.max)}`,
    `peak memory ${mib(p.peakMemoryBytes)}`,
    ...(p.energy ? [p.energy.available ? `energy ${(p.energy.joulesPerInference * 1000).toFixed(3)} mJ per inference (${p.energy.source.name}, idle ${p.energy.idlePowerW.toFixed(2)} W subtracted)` : `energy not available: ${p.energy.reason}`] : []),
    `node time ${us(p.nodeTimeUs)} of ${us(p.runTimeUs)} profiled run time (${pct(p.runTimeUs > 0 ? p.nodeTimeUs / p.runTimeUs : 0)})`,
    '',
  ];
  const top = [...p.rows].sort((a, b) => b.meanUs - a.meanUs).slice(0, TOP);
  const nameWidth = Math.min(48, Math.max(5, ...top.map((r) => label(r).length)));
  const opWidth = Math.max(2, ...top.map((r) => r.opType.length), ...p.opBreakdown.map((o) => o.opType.length));
  lines.push(`${'layer'.padEnd(nameWidth)}  ${'op'.padEnd(opWidth)}  ${'mean µs'.padStart(9)}  ${'share'.padStart(6)}  output`);
  for (const r of top) {
    lines.push(
      `${fit(label(r), nameWidth)}  ${r.opType.padEnd(opWidth)}  ${r.meanUs.toFixed(1).padStart(9)}  ${pct(r.share).padStart(6)}  ${bar(r.share)} ${r.outputShape ?? ''}`.trimEnd(),
    );
  }
  if (p.rows.length > TOP) lines.push(`… ${p.rows.length - TOP} more layers`);
  lines.push('', 'by op type:');
  for (const o of p.opBreakdown) lines.push(`  ${o.opType.padEnd(opWidth)}  ${o.us.toFixed(1).padStart(9)} µs  ${pct(o.share).padStart(6)}  ×${o.count}`);
  return lines;
}

/** The original node for a plain row; "name (fused: a, b)" when ORT fused or renamed it. */
function label(r: ProfileRow): string {
  if (!r.fused) return r.name;
  if (r.nodes.length === 0) return `${r.name} (inserted)`;
  return r.nodes.length === 1 ? r.nodes[0] : `${r.nodes[0]} +${r.nodes.length - 1}`;
}

function fit(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `…${s.slice(s.length - width + 1)}`;
}

function bar(share: number): string {
  const n = Math.round(Math.max(0, Math.min(1, share)) * BAR);
  return '█'.repeat(n) + '·'.repeat(BAR - n);
}

const ms = (v: number) => v.toFixed(3);
const us = (v: number) => `${v.toFixed(0)} µs`;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
