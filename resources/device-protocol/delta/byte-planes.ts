// XOR against the base by byte planes (BitX-style): a float nudged by a little changes its low mantissa
// bytes and leaves sign and exponent alone, so after XOR the high-byte planes are runs of zeros that
// zstd takes almost for free. Plane p holds byte p of every element (little-endian element order).

/** a XOR b, element by element (equal lengths). */
export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength);
  for (let i = 0; i < a.byteLength; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Groups byte p of every `width`-byte element into plane p; the length must be a multiple of width. */
export function toPlanes(data: Uint8Array, width: number): Uint8Array {
  if (width === 1) return data;
  const n = data.byteLength / width;
  const out = new Uint8Array(data.byteLength);
  for (let p = 0; p < width; p++) {
    const at = p * n;
    for (let i = 0; i < n; i++) out[at + i] = data[i * width + p];
  }
  return out;
}

/** The inverse of toPlanes. */
export function fromPlanes(planes: Uint8Array, width: number): Uint8Array {
  if (width === 1) return planes;
  const n = planes.byteLength / width;
  const out = new Uint8Array(planes.byteLength);
  for (let p = 0; p < width; p++) {
    const at = p * n;
    for (let i = 0; i < n; i++) out[i * width + p] = planes[at + i];
  }
  return out;
}
