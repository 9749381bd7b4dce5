// The value a failing mask check asks for: (value | allowed0) & allowed1 of the field it is about, with the SDM's
// exemption of guest CR0.PE and PG under "unrestricted guest".
import type { EntryCaps } from './ctx';
import { F, PROC, PROC2 } from './fields';

const MASK_CHECK = /\.(allowed|fixed)$/;
const CR0_PE_PG = 0x80000001n;

export function correctedValue(checkId: string, field: number, fields: ReadonlyMap<number, bigint>, caps: EntryCaps): bigint | undefined {
  if (!MASK_CHECK.test(checkId)) return undefined;
  const masks = caps.masks(field);
  const value = fields.get(field);
  if (!masks || value === undefined) return undefined;
  const bit = (f: number, n: number) => (((fields.get(f) ?? 0n) >> BigInt(n)) & 1n) === 1n;
  const unrestricted = field === F.GUEST_CR0 && bit(F.PROC, PROC.SECONDARY) && bit(F.PROC2, PROC2.UNRESTRICTED);
  const allowed0 = unrestricted ? masks.allowed0 & ~CR0_PE_PG : masks.allowed0;
  return (value | allowed0) & masks.allowed1;
}
