// What a site bundle holds, in the order the tar stream carries it: the header and the trust metadata
// first, so an importer knows everything before the payload arrives (as Mender's artifacts do), then the
// plan, the agent builds, and the models last.
import { z } from 'zod';

export const bundleFormat = 'edgefleet-site-bundle';

export type TargetKind = 'header' | 'plan' | 'agent' | 'model-meta' | 'model' | 'model-delta';

export interface BundleHeader {
  format: typeof bundleFormat;
  formatVersion: 1;
  id: string;
  site: string;
  createdAt: string;
  expires: string;
  /** The TUF version of this bundle's targets, snapshot and timestamp. */
  version: number;
  contents: { path: string; kind: TargetKind; bytes: number }[];
}

export const headerSchema = z
  .object({
    format: z.literal(bundleFormat),
    formatVersion: z.literal(1),
    id: z.string().regex(/^[a-z0-9-]{1,80}$/),
    site: z.string().min(1).max(64),
    createdAt: z.string(),
    expires: z.string(),
    version: z.number().int().min(1),
    contents: z.array(z.object({ path: z.string(), kind: z.enum(['header', 'plan', 'agent', 'model-meta', 'model', 'model-delta']), bytes: z.number().int().min(0) }).strict()),
  })
  .strict();

/** The metadata a model carries across, so the site's registry keeps its name, lineage and results. */
export interface ModelMeta {
  sha256: string;
  name: string;
  version: number;
  sizeBytes: number;
  parentSha256: string | null;
  tags: string[];
  recipe: unknown;
  metrics: unknown;
  calibrationSha256: string | null;
  /** Carried as a delta (models/<sha256>.efd) against a model the site holds; absent: the full file. */
  delta?: { base: string; bytes: number };
}

export const modelMetaSchema = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    name: z.string().min(1).max(200),
    version: z.number().int(),
    sizeBytes: z.number().int().min(0),
    parentSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
    tags: z.array(z.string()),
    recipe: z.unknown(),
    metrics: z.unknown(),
    calibrationSha256: z.string().nullable(),
    delta: z.object({ base: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0) }).strict().optional(),
  })
  .strict();

export const headerPath = 'bundle.json';
export const planPath = 'plan.json';
export const tufPrefix = 'tuf/';
export const modelPath = (sha256: string) => `models/${sha256}`;
export const modelMetaPath = (sha256: string) => `models/${sha256}.json`;
export const modelDeltaPath = (sha256: string) => `models/${sha256}.efd`;
export const agentPath = (arch: string) => `agents/edgefleet-agent-linux-${arch}.tar.gz`;

export const sitePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
