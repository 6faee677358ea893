// An agent build carried in a site bundle arrives signed by the connected console, whose key the site's
// devices never pinned: the site console signs its MANIFEST.json again with its own key on import, so
// `edgefleet agent upgrade --build` can send it there. The file list the device checks is unchanged.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBuildManifest } from '../../electron/core/agent-build/read-build-manifest.js';
import { verifyAgentBuild } from '../../electron/core/agent-build/build-manifest.js';
import { AuditLog } from '../../electron/core/audit/audit-store.js';
import { createBundle } from '../../electron/core/bundles/bundle-create.js';
import { checkParts, readParts } from '../../electron/core/bundles/bundle-parts.js';
import { importBundle } from '../../electron/core/bundles/bundle-import.js';
import { loadOrCreateConsoleKey } from '../../electron/core/devices/console-key.js';
import { Registry } from '../../electron/core/registry/registry.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'ef-bundle-agent-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('agent builds in a site bundle', () => {
  it('are signed again by the site console on import, files unchanged', async () => {
    const hq = path.join(scratch, 'hq');
    const site = path.join(scratch, 'site');
    const hqReg = Registry.open(hq);
    const created = await createBundle({ home: hq, registry: hqReg, site: 'ship-1', models: [], plan: null, agentArchs: ['x64'], expiresInDays: 30, outDir: path.join(scratch, 'usb') });
    hqReg.close();
    const siteReg = Registry.open(site);
    try {
      const { bundle } = await importBundle({ home: site, registry: siteReg, audit: new AuditLog(siteReg.db), actor: 'test', dir: created.dir, trustRoot: created.rootFingerprints[0].sha256 });
      expect(bundle.agents.map((a) => a.arch)).toEqual(['x64']);
      const { signed, text } = await readBuildManifest(bundle.agents[0].path);
      const [hqKey, siteKey] = await Promise.all([loadOrCreateConsoleKey(hq), loadOrCreateConsoleKey(site)]);
      expect(verifyAgentBuild(siteKey.publicKey, text)).toBe(true);
      expect(verifyAgentBuild(hqKey.publicKey, text)).toBe(false);
      // The build as the connected console made it, out of the bundle's own stream: same files, other signer.
      const original = path.join(scratch, 'original.tar.gz');
      const extract = tarStream.extract();
      const done = (async () => {
        for await (const entry of extract) {
          if (entry.header.name === 'agents/edgefleet-agent-linux-x64.tar.gz') await pipeline(entry as unknown as NodeJS.ReadableStream, createWriteStream(original));
          else entry.resume();
        }
      })();
      readParts(created.dir, await checkParts(created.dir)).pipe(extract as unknown as NodeJS.WritableStream);
      await done;
      const before = await readBuildManifest(original);
      expect(verifyAgentBuild(hqKey.publicKey, before.text)).toBe(true);
      expect(signed.manifest).toEqual(before.signed.manifest);
      expect(signed.keySha256).not.toBe(before.signed.keySha256);
    } finally {
      siteReg.close();
    }
  }, 180_000);
});
