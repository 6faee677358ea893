// The device end of the serial link protocol (SERIAL-PROTOCOL.md): serves the message model on a
// serial port through DeviceAgent.handle, so slots, trial activation and revert are the LAN's. The
// token from pairing authenticates every request (a serial wire has no TLS). The port is reopened
// when it goes away (cable unplugged, USB gadget re-enumerated).
import { toErrorData } from '../../../electron/core/api/errors.js';
import { AppError } from '../../../electron/core/api/errors.js';
import { publicOps } from '../../device-protocol/http/binding.js';
import { isDeviceOp } from '../../device-protocol/messages.js';
import type { LinkParams } from '../../device-protocol/serial/hello.js';
import { decodeMessage, encodeMessage, MessageKind, type Message } from '../../device-protocol/serial/message-codec.js';
import { openPort, type PortConnection } from '../../device-protocol/serial/open-port.js';
import { ReliableLink } from '../../device-protocol/serial/reliable-link.js';
import type { DeviceAgent } from './device-agent.js';
import type { Pairing } from './pairing.js';

export const deviceParams: LinkParams = { maxPayload: 1024, window: 256, deflate: true };
const reopenMs = 300;

export interface SerialServer {
  close(): Promise<void>;
}

export function startSerialServer(agent: DeviceAgent, pairing: Pairing, opts: { path: string; baudRate: number; log?: (line: string) => void }): SerialServer {
  const log = opts.log ?? ((line: string) => console.log(line));
  let port: PortConnection | null = null;
  let link: ReliableLink | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let warned = false;
  let lastLostLog = 0;
  /** Answers belong to the session that asked: a new HELLO voids the ones still running. */
  let session = 0;

  const reply = (forSession: number, kind: number, id: number, json: unknown) => {
    if (forSession === session) link?.send(encodeMessage(kind, id, json));
  };

  const serve = async (m: Message & { kind: typeof MessageKind.request }, forSession: number) => {
    try {
      const { op, token, req } = m.json ?? ({} as never);
      if (typeof op !== 'string' || !isDeviceOp(op)) throw new AppError('NOT_FOUND', 'Unknown operation', `"${String(op)}" is not an operation of this device.`);
      if (!publicOps.includes(op) && !pairing.tokenValid(typeof token === 'string' ? token : null)) {
        throw new AppError('UNAUTHORIZED', 'Not paired', 'This request needs the token the device gave at pairing.');
      }
      const request = op === 'upload-chunk' ? { ...(req as object), data: new Uint8Array(m.binary) } : req;
      reply(forSession, MessageKind.response, m.id, await agent.handle(op, request, { source: 'serial' }));
    } catch (err) {
      reply(forSession, MessageKind.error, m.id, toErrorData(err));
    }
  };

  const open = async () => {
    retry = null;
    if (stopped) return;
    try {
      const p = await openPort(opts.path, opts.baudRate);
      if (stopped) return void p.close();
      port = p;
      warned = false;
      // A responder never gives up on its port: a session the peer broke (a fragment that does not
      // inflate, say) ends, and a fresh link waits for the next HELLO on the same port.
      const startLink = () => {
        const l = new ReliableLink({ role: 'responder', write: (b) => p.write(b), params: deviceParams, bytesPerSec: opts.baudRate / 10 });
        link = l;
        l.on('reset', () => session++);
        l.on('message', (raw) => {
          const m = decodeMessage(raw);
          if (m?.kind === MessageKind.request) void serve(m, session);
        });
        l.on('lost', (reason: string) => {
          if (link !== l || port !== p) return;
          session++;
          // One line per ten seconds at most: a noisy line must not flood the log.
          if (Date.now() - lastLostLog > 10_000) log(`Serial session on ${opts.path} ended: ${reason}; waiting for a new HELLO`);
          lastLostLog = Date.now();
          startLink();
        });
        l.start();
      };
      p.on('data', (b: Buffer) => link?.receive(b));
      const gone = () => {
        if (port !== p) return;
        port = null;
        link?.stop();
        link = null;
        session++;
        void p.close();
        log(`Serial port ${opts.path} closed; waiting for it to come back`);
        schedule();
      };
      p.on('close', gone);
      startLink();
      log(`Serving the EdgeFleet link protocol on ${opts.path} at ${opts.baudRate} baud`);
    } catch (err) {
      if (!warned) log(`Serial port ${opts.path}: ${toErrorData(err).detail} (retrying)`);
      warned = true;
      schedule();
    }
  };
  const schedule = () => {
    if (!stopped && !retry) retry = setTimeout(() => void open(), reopenMs);
  };

  void open();
  return {
    close: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      link?.stop();
      if (port) await port.close();
    },
  };
}
