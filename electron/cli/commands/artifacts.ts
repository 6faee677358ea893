import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../core/api/errors.js';
import { artifactPath } from '../../core/registry/artifact-store.js';
import { copyFileAtomic } from '../../core/util/atomic-write.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import type { Command } from './command.js';

export interface ExportResult {
  dir: string;
  written: string[];
  skipped: string[];
}

export const artifactsCommand: Command = {
  name: 'artifacts',
  usage: 'artifacts export DIR [--model NAME] [--json] [--home DIR]',
  summary: "The registry's model files by content address, for devices to pull",
  options: { model: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  optionDocs: { model: ['NAME', 'export: only the versions of this model'] },
  subcommands: [
    {
      name: 'export',
      usage: 'artifacts export DIR [--model NAME] [--json] [--home DIR]',
      summary: 'Write the artifacts as DIR/sha256/<hex> for any static web server or object store (atomically; ones already there are skipped); then edgefleet mqtt artifacts-url URL',
      options: ['model', 'json', 'home'],
    },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (sub !== 'export') throw new UsageError(sub ? `unknown artifacts subcommand "${sub}"` : 'artifacts needs a subcommand: export');
    if (rest.length !== 1) throw new UsageError('artifacts export takes one folder (for example artifacts export /srv/www/edgefleet)');
    const core = openCore(values.home as string | undefined);
    try {
      const name = values.model as string | undefined;
      const models = core.registry.listModels().filter((m) => name === undefined || m.name === name);
      if (name !== undefined && models.length === 0) throw new AppError('MODEL_NOT_FOUND', 'Model not found', `No model named "${name}" is in the registry (edgefleet models list shows the names).`);
      const result = await exportArtifacts(core.home, [...new Set(models.map((m) => m.sha256))], rest[0]);
      if (values.json) printJson(result);
      else process.stdout.write(`Exported ${result.written.length} artifact${result.written.length === 1 ? '' : 's'} to ${path.join(result.dir, 'sha256')} (${result.skipped.length} already there)\n`);
    } finally {
      await core.close();
    }
  },
};

/** Copies each artifact to DIR/sha256/<hex> through a temporary file and a rename, unless it is there already. */
export async function exportArtifacts(home: string, digests: string[], dir: string): Promise<ExportResult> {
  const out = path.join(path.resolve(dir), 'sha256');
  await fsp.mkdir(out, { recursive: true });
  const result: ExportResult = { dir: path.resolve(dir), written: [], skipped: [] };
  for (const sha256 of digests) {
    const src = artifactPath(home, sha256);
    const target = path.join(out, sha256);
    if (!existsSync(src)) throw new AppError('ARTIFACT_MISSING', 'An artifact is missing from the registry', `${src} (sha256 ${sha256}) is gone from the artifact store; import the model again. ${result.written.length} artifacts were exported before it.`);
    const [have, want] = await Promise.all([fsp.stat(target).catch(() => null), fsp.stat(src)]);
    // Content-addressed and written by rename: a file of the right size under this name is this artifact.
    if (have?.isFile() && have.size === want.size) {
      result.skipped.push(sha256);
      continue;
    }
    await copyFileAtomic(src, target);
    // The store keeps its files private; an export is for a web server, which often runs as another user.
    await fsp.chmod(target, 0o644);
    result.written.push(sha256);
  }
  return result;
}
