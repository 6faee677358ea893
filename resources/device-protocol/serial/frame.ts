// One frame of the serial link protocol (resources/device-protocol/SERIAL-PROTOCOL.md, "Frame layout"):
//   type u8 | flags u8 | seq u16 LE | payload | CRC-32 u32 LE over everything before it
// COBS-encoded and followed by one 0x00 delimiter on the wire.
import { crc32 } from 'node:zlib';
import { cobsDecode, cobsEncode } from './cobs.js';

export const FrameType = {
  data: 0x01,
  ack: 0x02,
  hello: 0x03,
  helloAck: 0x04,
  ping: 0x05,
  reset: 0x06,
} as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

export const FrameFlag = {
  /** DATA: the payload is raw deflate (RFC 1951) of the fragment. */
  deflate: 0x01,
  /** DATA: the last fragment of a message. */
  end: 0x02,
} as const;

export const headerBytes = 4;
export const crcBytes = 4;

export interface Frame {
  type: number;
  flags: number;
  seq: number;
  payload: Buffer;
}

/** The bytes to write for a frame: COBS(header | payload | crc) 0x00. */
export function encodeFrame(f: Frame): Buffer {
  const body = Buffer.allocUnsafe(headerBytes + f.payload.length + crcBytes);
  body[0] = f.type;
  body[1] = f.flags;
  body.writeUInt16LE(f.seq & 0xffff, 2);
  f.payload.copy(body, headerBytes);
  body.writeUInt32LE(crc32(body.subarray(0, body.length - crcBytes)), body.length - crcBytes);
  const encoded = cobsEncode(body);
  const wire = Buffer.allocUnsafe(encoded.length + 1);
  encoded.copy(wire);
  wire[encoded.length] = 0;
  return wire;
}

/** Decodes one block between delimiters; null when COBS or the CRC says it is damaged. */
export function decodeFrame(block: Uint8Array): Frame | null {
  const body = cobsDecode(block);
  if (!body || body.length < headerBytes + crcBytes) return null;
  const crc = body.readUInt32LE(body.length - crcBytes);
  if (crc32(body.subarray(0, body.length - crcBytes)) !== crc) return null;
  return { type: body[0], flags: body[1], seq: body.readUInt16LE(2), payload: Buffer.from(body.subarray(headerBytes, body.length - crcBytes)) };
}

/** Wire bytes a frame with `payload` bytes costs, at most (COBS worst case, delimiter). */
export function wireBytes(payload: number): number {
  const body = headerBytes + payload + crcBytes;
  return body + Math.ceil(body / 254) + 1;
}

/** Splits a byte stream at 0x00 delimiters and hands each block on; drops over-long blocks (noise). */
export class FrameSplitter {
  private parts: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly maxBlock: number,
    private readonly onBlock: (block: Buffer) => void,
  ) {}

  push(bytes: Buffer): void {
    let start = 0;
    for (;;) {
      const z = bytes.indexOf(0, start);
      if (z < 0) break;
      this.append(bytes.subarray(start, z));
      if (this.length > 0 && this.length <= this.maxBlock) this.onBlock(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts));
      this.parts = [];
      this.length = 0;
      start = z + 1;
    }
    if (start < bytes.length) this.append(Buffer.from(bytes.subarray(start)));
  }

  private append(b: Buffer): void {
    if (b.length === 0) return;
    // An over-long block is noise or a lost delimiter: count it but do not keep its bytes.
    if (this.length + b.length > this.maxBlock) {
      this.parts = [];
      this.length = this.maxBlock + 1;
      return;
    }
    this.parts.push(b);
    this.length += b.length;
  }
}
