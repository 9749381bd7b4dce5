// VMCS field encodings (Intel SDM Vol. 3C, "Field Encoding in VMCS"): a 32-bit id built from
//   bit 0 access type, bits 9:1 index, bits 11:10 type, bit 12 reserved (0), bits 14:13 width, bits 31:15 reserved (0).

export type Width = '16' | '64' | '32' | 'natural';
export type FieldType = 'control' | 'read-only' | 'guest' | 'host';
export type Access = 'full' | 'high';

/** Indexed by the encoding's width bits (14:13). */
export const WIDTHS: readonly Width[] = ['16', '64', '32', 'natural'];
/** Indexed by the encoding's type bits (11:10). */
export const TYPES: readonly FieldType[] = ['control', 'read-only', 'guest', 'host'];

/** Bits a value of this width can hold; natural width is 64 bits on the processors that run VMX code today. */
export const WIDTH_BITS: Readonly<Record<Width, number>> = { '16': 16, '64': 64, '32': 32, natural: 64 };

export const TYPE_TITLES: Readonly<Record<FieldType, string>> = {
  control: 'Control',
  'read-only': 'Read-only data',
  guest: 'Guest state',
  host: 'Host state',
};

export interface Encoding {
  encoding: number;
  access: Access;
  index: number;
  type: FieldType;
  width: Width;
}

/** Splits an encoding into its parts; undefined when reserved bits are set or a high access is not on a 64-bit field. */
export function decode(encoding: number): Encoding | undefined {
  if (!Number.isInteger(encoding) || encoding < 0 || encoding > 0x7fff || encoding & 0x1000) return undefined;
  const width = WIDTHS[(encoding >> 13) & 3];
  const access: Access = encoding & 1 ? 'high' : 'full';
  if (access === 'high' && width !== '64') return undefined;
  return { encoding, access, index: (encoding >> 1) & 0x1ff, type: TYPES[(encoding >> 10) & 3], width };
}

export function encode(parts: Omit<Encoding, 'encoding'>): number {
  return (
    (WIDTHS.indexOf(parts.width) << 13) | (TYPES.indexOf(parts.type) << 10) | (parts.index << 1) | (parts.access === 'high' ? 1 : 0)
  );
}

export function encodingHex(encoding: number): string {
  return '0x' + encoding.toString(16).padStart(4, '0');
}

/** Accepts `0x4000`, `0X4000`, `4000h` and decimal `16384`; undefined when the text is not a number. */
export function parseEncoding(text: string): number | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9a-f]+h$/i.test(t)) return parseInt(t.slice(0, -1), 16);
  if (/^[0-9]+$/.test(t)) return parseInt(t, 10);
  return undefined;
}
