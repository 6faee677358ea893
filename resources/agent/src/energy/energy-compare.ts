// Energy per inference of a candidate model against a baseline on this board, measured the way latency
// is: interleaved blocks of back-to-back inferences, candidate and baseline alternating (ABBA, so a
// drift in temperature or clock speed falls on both), with the board's idle power measured before and
// after and subtracted by the console (rollouts/energy-stats.ts). Only totals leave the device: joules,
// seconds and inferences per block.
import { AppError } from '../../../device-protocol/error-data.js';
import type { EnergyComparison } from '../../../device-protocol/messages.js';
import type { ProfileEnergy } from '../../../device-protocol/profile-result.js';
import { studentTQuantile } from '../../../../electron/core/rollouts/energy-stats.js';
import { EnergyMeter, type MeterClock, type MeterTimer } from './energy-meter.js';
import type { EnergySource } from './energy-source.js';
import { sourceInfo } from './energy-source.js';

export interface EnergyWork {
  /** One inference of the model; resolves when it is done. */
  baseline(): Promise<void>;
  candidate(): Promise<void>;
}

export interface EnergyCompareOptions {
  /** Load time over all blocks, both models together. */
  seconds: number;
  /** Candidate/baseline pairs; each block runs seconds / (2 · pairs). */
  pairs: number;
  /** Idle measured before the first block and after the last, this long each. */
  idleSec: number;
  signal?: AbortSignal;
  clock?: MeterClock;
  timer?: MeterTimer | null;
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function compareEnergy(source: EnergySource, work: EnergyWork, o: EnergyCompareOptions, shas: { baselineSha256: string; candidateSha256: string }): Promise<EnergyComparison> {
  if (!(o.pairs >= 2) || !(o.seconds > 0) || !(o.idleSec > 0)) {
    throw new AppError('ENERGY_OPTIONS', 'Invalid energy measurement', `Give at least 2 pairs, load seconds and idle seconds above 0 (got ${o.pairs} pairs, ${o.seconds} s, idle ${o.idleSec} s).`);
  }
  const meter = new EnergyMeter(source, { ...(o.clock ? { clock: o.clock } : {}), ...(o.timer !== undefined ? { timer: o.timer } : {}) });
  const sleep = o.sleep ?? wait;
  const blockMs = (o.seconds * 1000) / (2 * o.pairs);
  const now = () => (o.clock ?? { now: () => performance.now() }).now();
  const cancelled = () => {
    if (o.signal?.aborted) throw new AppError('CANCELLED', 'Energy measurement cancelled', 'The measurement was stopped before it finished; nothing was kept.');
  };

  const idle = async () => {
    meter.start();
    await sleep(o.idleSec * 1000);
    const m = meter.stop();
    return { energyJ: m.joules, durationS: m.seconds };
  };
  const block = async (run: () => Promise<void>) => {
    let inferences = 0;
    meter.start();
    const end = now() + blockMs;
    try {
      while (now() < end) {
        await run();
        inferences++;
      }
    } catch (err) {
      try {
        meter.stop();
      } catch {
        // The inference's error is the one to report.
      }
      throw err;
    }
    const m = meter.stop();
    return { energyJ: m.joules, durationS: m.seconds, inferences };
  };

  // One untimed run of each: the first run of a session allocates and would fall on the first block only.
  await work.baseline();
  await work.candidate();
  const before = await idle();
  const pairs: EnergyComparison['pairs'] = [];
  for (let i = 0; i < o.pairs; i++) {
    cancelled();
    if (i % 2 === 0) {
      const parent = await block(() => work.baseline());
      const candidate = await block(() => work.candidate());
      pairs.push({ candidate, parent });
    } else {
      const candidate = await block(() => work.candidate());
      const parent = await block(() => work.baseline());
      pairs.push({ candidate, parent });
    }
  }
  cancelled();
  const after = await idle();
  const idleBlocks = [before, after];
  const idlePowerW = idleBlocks.reduce((s, b) => s + b.energyJ, 0) / idleBlocks.reduce((s, b) => s + b.durationS, 0);
  const { reading: _reading, ...info } = sourceInfo(source);
  return { ...shas, source: info, idle: idleBlocks, idlePowerW, pairs, measuredAt: new Date().toISOString() };
}

/**
 * Energy per inference of one model (profile `energySec`): idle before and after, `blocks` load blocks
 * of back-to-back inferences; each block's joules above idle over its inferences, their mean and a
 * Student-t 95 % interval over the blocks (the blocks' spread is the measurement's own noise).
 */
export async function measureEnergyPerInference(source: EnergySource, run: () => Promise<void>, o: { seconds: number; blocks?: number; idleSec?: number; sleep?: (ms: number) => Promise<void> }): Promise<ProfileEnergy> {
  const blocks = o.blocks ?? 4;
  const idleSec = o.idleSec ?? Math.min(5, Math.max(0.5, o.seconds / 4));
  // One comparison against itself: the baseline half of each pair is the same model, so its blocks are used too.
  const m = await compareEnergy(source, { baseline: run, candidate: run }, { seconds: o.seconds, pairs: Math.max(2, Math.ceil(blocks / 2)), idleSec, ...(o.sleep ? { sleep: o.sleep } : {}) }, { baselineSha256: '', candidateSha256: '' });
  const all = m.pairs.flatMap((p) => [p.parent, p.candidate]);
  const perInference = all.map((b) => (b.energyJ - m.idlePowerW * b.durationS) / Math.max(1, b.inferences));
  const n = perInference.length;
  const mean = perInference.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(perInference.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  const { id, name, driver, scope } = m.source;
  if (!(mean > 0)) return { available: false, reason: `The load used no more energy than idle on ${name} (${m.idlePowerW.toFixed(2)} W idle): the counter is too coarse for this model; measure for longer.` };
  return {
    available: true,
    source: { id, name, driver, scope },
    idlePowerW: m.idlePowerW,
    joulesPerInference: mean,
    low: Number.isFinite(half) ? mean - half : null,
    high: Number.isFinite(half) ? mean + half : null,
    blocks: n,
    inferences: all.reduce((s, b) => s + b.inferences, 0),
    loadSeconds: all.reduce((s, b) => s + b.durationS, 0),
  };
}
