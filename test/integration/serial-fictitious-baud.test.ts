// Timers from what the line shows, not from the baud rate a port was given (SERIAL-PROTOCOL.md §2.4).
// A pty or a USB CDC gadget ignores its baud rate, so both ends may be told a rate far from the real
// one. A real agent serves the link protocol behind the pty relay (test/helpers/serial-relay.ts),
// both ends told one rate while the relay moves bytes at another, a few percent of frames lost to
// dropped bytes; the console uploads a few hundred kB and then asks for the upload's status again
// and again (each request a lone frame: when it is lost, only a timer can recover it), several times,
// each on a fresh link that starts from the wrong guess. A lost frame must be resent within a few of
// the link's own round trips and timeouts, never after the tens of seconds the nominal rate would
// make the line look busy.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerialLink } from '../../electron/core/devices/serial/serial-link.js';
import type { LinkStats } from '../../resources/device-protocol/serial/reliable-link.js';
import { signed, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { SerialRelay } from '../helpers/serial-relay.js';

const keys = generateKeyPairSync('ed25519');
/** A dropped byte kills the frame it is in; the link then shortens its frames, and about 3 % of those it sends are lost. */
const drop = 1.5e-4;
const runs = 3;

/**
 * The longest a frame lost at the tail may wait, in the link's own terms: the RTO, doubled for each
 * resend (or its ACK) lost too, up to two of them (1 + 2 + 4; at about 3 % frame loss three losses in a
 * row are about a thousand times rarer than one. Two in a row failed a CI run under the old bound of
 * 4 RTOs: 806 ms against 731), the line time of the frame and of its resend at the measured
 * rate, and a few round trips for the resend to be acknowledged. A timer from the nominal rate would
 * wait tens of seconds.
 */
function stallBound(s: LinkStats): number {
  const frameMs = s.lineBytesPerSec ? (2 * 1040 * 1000) / s.lineBytesPerSec : 0;
  return 8 * s.srttMs + 7 * s.rtoMs + frameMs;
}

interface Case {
  name: string;
  /** What both ends are told. */
  nominal: number;
  /** What the relay really moves (baud, 8N1). */
  real: number;
  bytes: number;
  /** upload-status requests after the upload. */
  polls: number;
}

const cases: Case[] = [
  { name: 'told 9,600 baud on a pty that moves megabytes a second', nominal: 9600, real: 100_000_000, bytes: 400_000, polls: 300 },
  { name: 'told 921,600 baud on a line that really runs at 230,400', nominal: 921_600, real: 230_400, bytes: 200_000, polls: 100 },
];

describe.each(cases)('$name', (c) => {
  let relay: SerialRelay;
  let agent: AgentProcess;
  let token: string;

  beforeAll(async () => {
    relay = await SerialRelay.start({ baud: c.real, seed: `fictitious-${c.nominal}` });
    agent = await startAgent({ args: ['--serial', relay.agentPath, '--baud', String(c.nominal)] });
    const pairing = new SerialLink({ path: relay.consolePath, baudRate: c.nominal, token: null });
    try {
      token = (await pairing.pair({ code: agent.pairingCode!, consolePublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), consoleName: 'fictitious baud' })).token;
    } finally {
      await pairing.close();
    }
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await relay?.stop();
  });

  it(`${runs} lossy uploads: every lost frame is resent within a few of the link's own round trips`, async () => {
    const all: LinkStats[] = [];
    for (let run = 0; run < runs; run++) {
      const bytes = randomBytes(c.bytes);
      const s = signed(bytes, `1.0.${run}`, keys.privateKey, 'blob');
      // A stalled line would otherwise wait out the 60 s request timeout; a failed run must still report its stats.
      const link = new SerialLink({ path: relay.consolePath, baudRate: c.nominal, token, uploadReconnects: 0, timeoutMs: 20_000 });
      const droppedBefore = relay.toAgent.dropped + relay.toConsole.dropped;
      relay.faults = { drop };
      try {
        const result = await link
          .upload(bytes, s, { chunkBytes: 4096 })
          .then(async (up) => {
            for (let i = 0; i < c.polls; i++) await link.call('upload-status');
            return up;
          })
          .catch((e: unknown) => e);
        const stats = { ...link.stats! };
        const dropped = relay.toAgent.dropped + relay.toConsole.dropped - droppedBefore;
        all.push(stats);
        const seen = `run ${run}: ${JSON.stringify(stats)}, ${dropped} bytes dropped`;
        expect(stats.maxStallMs, seen).toBeLessThanOrEqual(stallBound(stats));
        // The device's resends were needed: a frame it sent twice that arrived twice needs a lost ACK
        // (a dropped byte kills at most two frames), not a timer that believed the line faster than it is.
        expect(stats.duplicates, seen).toBeLessThanOrEqual(2 * dropped);
        expect(result).toMatchObject({ complete: true, offset: bytes.length, manifest: { sha256: s.manifest.sha256 } });
      } finally {
        relay.faults = {};
        await link.close();
      }
    }
    // The faults did their part: frames were lost, and some only a timer could recover.
    expect(all.reduce((n, s) => n + s.retransmits, 0)).toBeGreaterThan(0);
    expect(all.reduce((n, s) => n + s.timeouts, 0)).toBeGreaterThan(0);
  }, 180_000);
});
