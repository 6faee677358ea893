// HELLO / HELLO_ACK payload: what each side can take. The link then uses the smaller of each value.
//   version u8 | maxPayload u16 LE | window u16 LE | features u8 (bit 0: deflate) | session u32 LE
export const protocolVersion = 1;
export const helloBytes = 10;

export interface LinkParams {
  /** Most payload bytes in one DATA frame (before COBS). */
  maxPayload: number;
  /** Most DATA frames sent and not yet acknowledged. */
  window: number;
  deflate: boolean;
}

export interface Hello extends LinkParams {
  version: number;
  session: number;
}

/** Limits every implementation must respect: a window fits the 16-bit sequence space and a SACK bitmap of 32 bytes. */
export const limits = { minPayload: 32, maxPayload: 4096, minWindow: 1, maxWindow: 256 } as const;

export function encodeHello(h: Hello): Buffer {
  const b = Buffer.alloc(helloBytes);
  b[0] = h.version;
  b.writeUInt16LE(h.maxPayload, 1);
  b.writeUInt16LE(h.window, 3);
  b[5] = h.deflate ? 1 : 0;
  b.writeUInt32LE(h.session >>> 0, 6);
  return b;
}

export function decodeHello(b: Buffer): Hello | null {
  if (b.length < helloBytes) return null;
  return { version: b[0], maxPayload: b.readUInt16LE(1), window: b.readUInt16LE(3), deflate: (b[5] & 1) === 1, session: b.readUInt32LE(6) };
}

/** The parameters both sides use: the smaller of each, within the protocol's limits. */
export function negotiate(a: LinkParams, b: LinkParams): LinkParams {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
  return {
    maxPayload: clamp(Math.min(a.maxPayload, b.maxPayload), limits.minPayload, limits.maxPayload),
    window: clamp(Math.min(a.window, b.window), limits.minWindow, limits.maxWindow),
    deflate: a.deflate && b.deflate,
  };
}
