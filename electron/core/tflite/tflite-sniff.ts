// Is this a TFLite flatbuffer? Cheap, never throws: the identifier "TFL3" at bytes 4..7, or (as
// netron accepts) a .tflite file with no identifier whose root table says schema version 3.

export type TfliteSniff = { ok: true } | { ok: false; reason: string; truncated: boolean };

const IDENTIFIER = [0x54, 0x46, 0x4c, 0x33]; // "TFL3"

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** The root table's field 0 (Model.version) when the bytes hold a plausible flatbuffer, else null. */
function rootVersion(b: Uint8Array): number | null {
  const root = u32(b, 0);
  if (root < 8 || root + 4 > b.length) return null;
  const vtable = root - (u32(b, root) | 0);
  if (vtable < 0 || vtable + 6 > b.length) return null;
  const vtableSize = b[vtable] | (b[vtable + 1] << 8);
  if (vtableSize < 6) return null;
  const field = b[vtable + 4] | (b[vtable + 5] << 8);
  if (field === 0 || root + field + 4 > b.length) return null;
  return u32(b, root + field);
}

export function sniffTflite(bytes: Uint8Array, extension: string): TfliteSniff {
  if (bytes.length < 8) return { ok: false, reason: `it is too short to be a TFLite model (${bytes.length} bytes)`, truncated: bytes.length > 0 };
  if (IDENTIFIER.every((c, i) => bytes[4 + i] === c)) return { ok: true };
  const tfliteName = extension === '.tflite' || extension === '.lite';
  if (tfliteName && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0 && rootVersion(bytes) === 3) return { ok: true };
  return { ok: false, reason: 'it has no TFL3 identifier (bytes 4 to 7), so it is not a TFLite flatbuffer', truncated: false };
}
