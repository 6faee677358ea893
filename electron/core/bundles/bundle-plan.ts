// The rollout plan a site bundle carries: waves run one after another on the site's console, each a
// staged rollout of its own (target by device, tag or group; stages; gates; soak as the trial window;
// policy on a failed gate), optionally holding for a person before the next wave starts.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ModelSummary } from '../api/types.js';
import { AppError } from '../api/errors.js';
import { parseGate, type GateDefinition } from '../rollouts/gates.js';
import type { Registry } from '../registry/registry.js';

const waveInput = z
  .object({
    name: z.string().trim().min(1).max(64).optional(),
    /** A registry id, a model name (its latest version) or NAME@VERSION. */
    model: z.string().trim().min(1).max(200),
    target: z.string().trim().min(1).max(2000),
    stages: z.array(z.number().gt(0).max(100)).min(1).max(20).optional(),
    rate: z.object({ base: z.number().int().min(1).max(100_000), factor: z.number().min(1.1).max(5), ceiling: z.number().int().min(1).max(100_000) }).strict().optional(),
    /** Gates as on the command line: KIND<=MAX[@MIN], e.g. "inference-error-rate<=2%". */
    gates: z.array(z.string().min(1).max(200)).max(20).optional(),
    /** The trial window of each stage before its gates are judged. */
    soakMs: z.number().int().min(0).max(7 * 86_400_000).optional(),
    policy: z.enum(['rollback', 'halt']).optional(),
    concurrency: z.number().int().min(1).max(256).optional(),
    /** Wait for a person (`edgefleet bundle continue`) after this wave completes. */
    hold: z.boolean().optional(),
  })
  .strict()
  .refine((w) => w.stages === undefined || w.rate === undefined, { message: 'give stages or rate, not both', path: ['rate'] });

const planInput = z.object({ waves: z.array(waveInput).min(1).max(50) }).strict();

export interface PlanWave {
  name: string;
  model: { sha256: string; name: string; version: number };
  selector: string;
  stages?: number[];
  rate?: { base: number; factor: number; ceiling: number };
  gates?: GateDefinition[];
  soakMs?: number;
  policy?: 'rollback' | 'halt';
  concurrency?: number;
  hold: boolean;
}

export interface BundlePlan {
  format: 1;
  waves: PlanWave[];
}

function planError(file: string, detail: string): AppError {
  return new AppError('BUNDLE_PLAN_INVALID', 'The rollout plan cannot be used', `${file}: ${detail}`);
}

/** A registry id, a model name (its latest version) or NAME@VERSION. */
export function findModel(registry: Registry, ref: string): ModelSummary | null {
  const byId = registry.getModel(ref);
  if (byId) return byId;
  const at = /^(.+)@(\d+)$/.exec(ref);
  const all = registry.listModels();
  const named = all.filter((m) => m.name === (at ? at[1] : ref) && (!at || m.version === Number(at[2])));
  return named.sort((a, b) => b.version - a.version)[0] ?? null;
}

/** Reads a person's PLAN.json and freezes it: models named by their bytes, gates parsed. */
export function readPlan(file: string, registry: Registry): BundlePlan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw planError(file, `${(err as Error).message}. Write JSON such as {"waves": [{"model": "digits", "target": "tag:line-3", "stages": [10, 100]}]}.`);
  }
  const parsed = planInput.safeParse(raw);
  if (!parsed.success) {
    throw planError(file, parsed.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; '));
  }
  const waves = parsed.data.waves.map((w, i): PlanWave => {
    const m = findModel(registry, w.model);
    if (!m) throw planError(file, `waves.${i}.model: "${w.model}" is not in this console's registry (give an id, a name or NAME@VERSION; see \`edgefleet models list\`).`);
    let gates: GateDefinition[] | undefined;
    try {
      gates = w.gates?.map(parseGate);
    } catch (err) {
      throw planError(file, `waves.${i}.gates: ${err instanceof AppError ? err.detail : (err as Error).message}`);
    }
    const { model: _m, target, name, hold, gates: _g, ...rest } = w;
    return { ...rest, name: name ?? `wave ${i + 1}`, model: { sha256: m.sha256, name: m.name, version: m.version }, selector: target, ...(gates ? { gates } : {}), hold: hold ?? false };
  });
  return { format: 1, waves };
}

const frozenWave = z
  .object({
    name: z.string(),
    model: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), name: z.string(), version: z.number().int() }).strict(),
    selector: z.string(),
    stages: z.array(z.number()).optional(),
    rate: z.object({ base: z.number(), factor: z.number(), ceiling: z.number() }).strict().optional(),
    gates: z.array(z.object({ kind: z.string(), max: z.number(), minDevices: z.number() }).strict()).optional(),
    soakMs: z.number().optional(),
    policy: z.enum(['rollback', 'halt']).optional(),
    concurrency: z.number().optional(),
    hold: z.boolean(),
  })
  .strict();

/** The plan as the bundle carries it (already verified against its signed hash). */
export function parseFrozenPlan(bytes: Buffer): BundlePlan {
  const parsed = z.object({ format: z.literal(1), waves: z.array(frozenWave) }).strict().safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) throw new AppError('BUNDLE_PLAN_INVALID', 'The bundle’s plan is not readable', `plan.json: ${parsed.error.issues[0]?.message}. The bundle was made by a newer EdgeFleet; import it with that version.`);
  return parsed.data as BundlePlan;
}
