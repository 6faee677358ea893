// protobufjs decodes int64 fields to Long objects (or plain numbers when built by hand).

export interface LongLike {
  toNumber(): number;
  toString(): string;
}

export type Int64 = number | LongLike;

export function toNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

export function toBigInt(value: Int64 | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  return typeof value === 'number' ? BigInt(value) : BigInt(value.toString());
}
