// A cheap pass over one level of a protobuf message: it reads tags and lengths without decoding, so a
// sniff can tell an ONNX model from random bytes and name a truncated file as truncated before protobufjs
// sees it, and the delta builder can find where tensor data lies without re-encoding the file.

export interface WireField {
  field: number;
  wireType: number;
  /** Offset of the value (after tag and, for length-delimited fields, the length). */
  offset: number;
  length: number;
}

export type WireScan = { ok: true } | { ok: false; reason: string; at: number; truncated: boolean };

/** Called for each field; a returned string stops the scan with that reason. */
export type FieldVisitor = (field: WireField) => string | null;

/** Reads a varint at pos; returns [value, nextPos] or null when the bytes end first or it is too long. */
export function readVarint(buf: Uint8Array, pos: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) return null;
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  return null;
}

/** Scans buf[start, end) as one message level, without recursing into sub-messages. */
export function scanMessage(buf: Uint8Array, start: number, end: number, visit: FieldVisitor): WireScan {
  let pos = start;
  while (pos < end) {
    const tag = readVarint(buf, pos);
    if (!tag) return { ok: false, reason: 'a field tag runs past the end', at: pos, truncated: true };
    const [key, afterTag] = tag;
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) return { ok: false, reason: 'field number 0 is not valid protobuf', at: pos, truncated: false };
    let offset = afterTag;
    let length: number;
    switch (wireType) {
      case 0: {
        const v = readVarint(buf, afterTag);
        if (!v || v[1] > end) return { ok: false, reason: 'a number runs past the end', at: pos, truncated: true };
        length = v[1] - afterTag;
        break;
      }
      case 1:
        length = 8;
        break;
      case 5:
        length = 4;
        break;
      case 2: {
        const v = readVarint(buf, afterTag);
        if (!v) return { ok: false, reason: 'a length runs past the end', at: pos, truncated: true };
        offset = v[1];
        length = v[0];
        break;
      }
      default:
        return { ok: false, reason: `wire type ${wireType} is not used by ONNX`, at: pos, truncated: false };
    }
    if (offset + length > end) {
      return {
        ok: false,
        reason: `field ${field} needs ${length} bytes at offset ${offset} but only ${end - offset} remain`,
        at: pos,
        truncated: true,
      };
    }
    const problem = visit({ field, wireType, offset, length });
    if (problem) return { ok: false, reason: problem, at: pos, truncated: false };
    pos = offset + length;
  }
  return { ok: true };
}
