// An agent build signed again by another console: a site console that imported a build from a site bundle
// (verified there against the bundle's signed metadata) signs its MANIFEST.json with its own key, the one
// its devices pinned, so `agent upgrade --build` can send it. Every other entry passes through as it was;
// the file list and hashes the device checks do not change.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import type { KeyObject } from 'node:crypto';
import { AppError } from '../api/errors.js';
import { tmpPathFor } from '../util/atomic-write.js';
import { formatSignedBuild, signAgentBuild, signedAgentBuildSchema, type SignedAgentBuild } from './build-manifest.js';

export async function resignAgentBuild(input: string, output: string, key: { privateKey: KeyObject; publicKey: KeyObject }): Promise<SignedAgentBuild> {
  const extract = tarStream.extract();
  const pack = tarStream.pack();
  const tmp = tmpPathFor(output);
  let signed: SignedAgentBuild | null = null;
  const reading = pipeline(createReadStream(input), createGunzip(), extract);
  reading.catch(() => undefined);
  const writing = pipeline(pack, createGzip(), createWriteStream(tmp, { flags: 'wx' }));
  writing.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      if (h.type === 'file' && /^[^/]+\/MANIFEST\.json$/.test(h.name)) {
        const chunks: Buffer[] = [];
        for await (const c of entry as unknown as AsyncIterable<Buffer>) chunks.push(c);
        const parsed = signedAgentBuildSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (!parsed.success) throw new AppError('AGENT_BUILD_INVALID', 'Not an agent build', `${input}: its MANIFEST.json is not a signed build manifest.`);
        signed = signAgentBuild(key.privateKey, key.publicKey, parsed.data.manifest);
        const text = Buffer.from(formatSignedBuild(signed));
        await new Promise<void>((resolve, reject) => pack.entry({ ...h, size: text.length }, text, (err) => (err ? reject(err) : resolve())));
        continue;
      }
      const sink = pack.entry({ ...h });
      await pipeline(entry as unknown as NodeJS.ReadableStream, sink);
    }
    pack.finalize();
    await Promise.all([reading, writing]);
    if (!signed) throw new AppError('AGENT_BUILD_INVALID', 'Not an agent build', `${input} holds no MANIFEST.json.`);
    await fsp.rename(tmp, output);
    return signed;
  } catch (err) {
    pack.destroy();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}
