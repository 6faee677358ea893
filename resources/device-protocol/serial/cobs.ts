// Consistent Overhead Byte Stuffing: removes every 0x00 from a frame so that 0x00 can delimit frames
// on the wire. Overhead is one byte per 254 bytes of input (plus one).

export function cobsEncode(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(input.length + Math.ceil(input.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = b;
    if (++code === 0xff) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

/** Decodes one COBS block (without its 0x00 delimiter); null when the block is malformed. */
export function cobsDecode(input: Uint8Array): Buffer | null {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  let i = 0;
  while (i < input.length) {
    const code = input[i++];
    if (code === 0) return null;
    const end = i + code - 1;
    if (end > input.length) return null;
    for (; i < end; i++) {
      if (input[i] === 0) return null;
      out[o++] = input[i];
    }
    if (code !== 0xff && i < input.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}
