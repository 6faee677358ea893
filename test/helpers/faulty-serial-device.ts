// A deliberately broken serial device for the conformance tests: a real agent behind a proxy that speaks
// the link protocol on both sides and changes one behaviour (a request altered, an answer rewritten or
// withheld). The tester sees one device; the agent does everything the proxy leaves alone.
//   tester ── testerPath ═ pty pair ═ proxy (responder | initiator) ═ pty pair ═ agentPath ── agent
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FrameSplitter } from '../../resources/device-protocol/serial/frame.js';
import type { LinkParams } from '../../resources/device-protocol/serial/hello.js';
import { decodeMessage, encodeMessage, MessageKind, type RequestBody } from '../../resources/device-protocol/serial/message-codec.js';
import { openPort, type PortConnection } from '../../resources/device-protocol/serial/open-port.js';
import { ReliableLink, type ReliableLinkOptions } from '../../resources/device-protocol/serial/reliable-link.js';
import { startAgent, type AgentProcess } from './agent-process.js';
import { startPtyPair } from './serial-relay.js';

export type Kind = 'response' | 'error';
export interface Fault {
  /** The request as the agent will get it; null: the device never answers it. */
  request?(body: RequestBody, seen: Seen): RequestBody | null;
  /** The answer as the tester will get it; null: withheld. */
  answer?(op: string, kind: Kind, json: unknown, seen: Seen): { kind: Kind; json: unknown } | null;
  /** Options of the device side of the link (its parameters, its timers). */
  link?: Partial<Omit<ReliableLinkOptions, 'role' | 'write'>>;
  /** What the device side uses after each handshake, whatever was negotiated (a device that ignores HELLO). */
  ignoresHello?: Partial<LinkParams>;
  /** Each frame from the tester (COBS block, no delimiter) before the device's link layer sees it; null drops it. */
  inbound?(block: Buffer): Buffer | null;
}
/** What the proxy learned so far (the token pairing gave). */
export interface Seen {
  token: string | null;
  inFlight: number;
}

export interface FaultyDevice {
  path: string;
  code: string;
  stop(): Promise<void>;
}

const linkParams = { maxPayload: 1024, window: 256, deflate: true };

export async function startFaultyDevice(fault: Fault): Promise<FaultyDevice> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ef-faulty-'));
  const at = (n: string) => path.join(dir, n);
  const pairs = [await startPtyPair(at('tester'), at('deviceSide')), await startPtyPair(at('consoleSide'), at('agent'))];
  const agent: AgentProcess = await startAgent({ args: ['--serial', at('agent'), '--baud', '115200'] });
  const down: PortConnection = await openPort(at('deviceSide'), 115200);
  const up: PortConnection = await openPort(at('consoleSide'), 115200);
  const device = new ReliableLink({ role: 'responder', write: (b) => down.write(b), params: linkParams, ...fault.link });
  const toAgent = new ReliableLink({ role: 'initiator', write: (b) => up.write(b), params: linkParams });
  const inbound = fault.inbound;
  const splitter = new FrameSplitter(16_384, (block) => {
    const kept = inbound!(block);
    if (kept) device.receive(Buffer.concat([kept, Buffer.of(0)]));
  });
  down.on('data', (b: Buffer) => (inbound ? splitter.push(b) : device.receive(b)));
  up.on('data', (b: Buffer) => toAgent.receive(b));
  const seen: Seen = { token: null, inFlight: 0 };
  // Upstream id → the tester's id and op, within the tester's current session.
  const waiting = new Map<number, { id: number; op: string; session: number }>();
  let session = 0;
  let nextId = 1;
  // The responder starts each session with 'reset'.
  device.on('reset', () => {
    session++;
    seen.inFlight = 0;
    if (fault.ignoresHello) device.params = { ...device.params, ...fault.ignoresHello };
  });
  device.on('message', (raw) => {
    const m = decodeMessage(raw);
    if (!m || m.kind !== MessageKind.request) return;
    const body = fault.request ? fault.request(m.json, seen) : m.json;
    if (!body) return;
    const id = nextId++;
    waiting.set(id, { id: m.id, op: m.json.op, session });
    seen.inFlight++;
    toAgent.send(encodeMessage(MessageKind.request, id, body, m.binary));
  });
  toAgent.on('message', (raw) => {
    const m = decodeMessage(raw);
    const w = m && waiting.get(m.id);
    if (!m || !w) return;
    waiting.delete(m.id);
    if (w.session !== session) return;
    seen.inFlight--;
    const kind: Kind = m.kind === MessageKind.error ? 'error' : 'response';
    if (w.op === 'pair' && kind === 'response') seen.token = (m.json as { token?: string }).token ?? null;
    const out = fault.answer ? fault.answer(w.op, kind, m.json, seen) : { kind, json: m.json };
    if (!out) return;
    device.send(encodeMessage(out.kind === 'error' ? MessageKind.error : MessageKind.response, w.id, out.json, m.binary));
  });
  device.start();
  const opened = new Promise<void>((resolve, reject) => {
    toAgent.once('open', () => resolve());
    toAgent.once('lost', (r) => reject(new Error(`the proxy could not reach the agent: ${r}`)));
  });
  toAgent.start();
  await opened;
  return {
    path: at('tester'),
    code: agent.pairingCode!,
    async stop() {
      device.stop();
      toAgent.stop();
      await Promise.all([down.close(), up.close()]);
      await agent.stop();
      await Promise.all(pairs.map((p) => p.stop()));
    },
  };
}
