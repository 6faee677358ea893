// Serial payload throughput: a real agent serving the link protocol behind a relayed pty "cable"
// throttled to the line rate (baud/10 bytes per second, 8N1), a signed upload of incompressible bytes
// from the console's SerialLink, at 115,200 and 921,600 baud, clean and with bit errors at 1e-4.
// Prints one JSON line. Usage: tsx scripts/bench/serial-measure.ts [BYTES_AT_115200] [BYTES_AT_921600]
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { describeArtifact, signManifest } from '../../resources/device-protocol/messages.js';
import { SerialLink } from '../../electron/core/devices/serial/serial-link.js';
import { startAgent } from '../../test/helpers/agent-process.js';
import { SerialRelay } from '../../test/helpers/serial-relay.js';

const sizes: Record<number, number> = { 115200: Number(process.argv[2] ?? 150_000), 921600: Number(process.argv[3] ?? 1_000_000) };
const keys = generateKeyPairSync('ed25519');
const cases: Record<string, unknown>[] = [];

for (const baud of [115200, 921600]) {
  const relay = await SerialRelay.start({ baud, seed: `bench-${baud}` });
  const agent = await startAgent({ args: ['--serial', relay.agentPath, '--baud', String(baud)] });
  try {
    const pairing = new SerialLink({ path: relay.consolePath, baudRate: baud, token: null });
    const { token } = await pairing.pair({ code: agent.pairingCode!, consolePublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), consoleName: 'bench' });
    pairing.close();
    for (const ber of [0, 1e-4]) {
      const link = new SerialLink({ path: relay.consolePath, baudRate: baud, token });
      await link.connect();
      relay.faults = { ber };
      const flipsBefore = relay.toAgent.flipped + relay.toConsole.flipped;
      const bytes = randomBytes(sizes[baud]);
      const manifest = describeArtifact(bytes, 'bench-blob', `${baud}-${ber}`);
      const t0 = performance.now();
      const status = await link.upload(bytes, { manifest, signature: signManifest(keys.privateKey, manifest) });
      const seconds = (performance.now() - t0) / 1000;
      if (!status.complete || status.manifest.sha256 !== manifest.sha256) throw new Error(`upload at ${baud} baud, BER ${ber} did not complete`);
      const stats = link.stats!;
      link.close();
      relay.faults = {};
      cases.push({
        baud,
        ber,
        bytes: bytes.length,
        seconds,
        payloadBytesPerSec: bytes.length / seconds,
        lineBytesPerSec: baud / 10,
        lineFraction: bytes.length / seconds / (baud / 10),
        framesSent: stats.framesSent,
        retransmits: stats.retransmits,
        bitFlipsInjected: relay.toAgent.flipped + relay.toConsole.flipped - flipsBefore,
      });
    }
  } finally {
    await agent.stop();
    await relay.stop();
    rmSync(agent.dataDir, { recursive: true, force: true });
  }
}

process.stdout.write(JSON.stringify({ cases, goal: 'clean ≥ 0.90 of line rate, BER 1e-4 ≥ 0.75' }) + '\n');
process.exit(0);
