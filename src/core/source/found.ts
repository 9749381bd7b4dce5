// What a scan finds, kept as offsets and shared objects while it runs: a large file has hundreds of thousands of
// references and writes, and objects for each would cost more in garbage collection than finding them. The objects
// of ScanResult are made when they are first read.
import type { FieldRecord } from '../catalogue/catalogue';
import type { SourceCode } from './lexer';
import type { ScanReference, ScanWrite } from './scan';

/** How a reference's text is read from its span: as written, as code (comments blanked), or a macro call without blanks. */
export const RAW = 0;
export const CODE = 2;
export const MACRO = 4;
/** Or-ed into the text kind: the reference is a raw encoding. */
export const ENCODING = 1;

/** What a write's value is, worked out once per distinct value text. */
export interface Worked {
  text: string;
  adjusted: boolean;
  constant: bigint | undefined;
}

export class Found {
  /** start, end per reference */
  private readonly refSpans: number[] = [];
  private readonly refRecords: FieldRecord[] = [];
  private readonly refKinds: number[] = [];
  /** field start, field end, value start, value end per write */
  private readonly writeSpans: number[] = [];
  private readonly writeAccessors: string[] = [];
  private readonly writeRecords: FieldRecord[] = [];
  private readonly writeValues: Worked[] = [];

  constructor(private readonly src: SourceCode) {}

  reference(start: number, end: number, record: FieldRecord, kind: number): void {
    this.refSpans.push(start, end);
    this.refRecords.push(record);
    this.refKinds.push(kind);
  }

  write(accessor: string, record: FieldRecord, fieldStart: number, fieldEnd: number, valueStart: number, valueEnd: number, value: Worked): void {
    this.writeSpans.push(fieldStart, fieldEnd, valueStart, valueEnd);
    this.writeAccessors.push(accessor);
    this.writeRecords.push(record);
    this.writeValues.push(value);
  }

  /** In text order: calls report their raw-encoding arguments before the name pass reaches them. */
  references(): ScanReference[] {
    const { refSpans: spans, refKinds: kinds, src } = this;
    const order = this.refRecords.map((_, i) => i);
    for (let i = 1; i < order.length; i++) {
      if (spans[2 * i - 2] > spans[2 * i]) {
        order.sort((a, b) => spans[2 * a] - spans[2 * b]);
        break;
      }
    }
    return order.map((i): ScanReference => {
      const start = spans[2 * i];
      const end = spans[2 * i + 1];
      const kind = kinds[i];
      const text = kind & CODE ? src.slice(start, end) : kind & MACRO ? src.slice(start, end).replace(/\s+/g, '') : src.text.slice(start, end);
      return { start, end, record: this.refRecords[i], text, via: kind & ENCODING ? 'encoding' : 'name' };
    });
  }

  writes(): ScanWrite[] {
    const spans = this.writeSpans;
    return this.writeValues.map(({ text, adjusted, constant }, i) => ({
      accessor: this.writeAccessors[i],
      record: this.writeRecords[i],
      field: { start: spans[4 * i], end: spans[4 * i + 1] },
      value: { start: spans[4 * i + 2], end: spans[4 * i + 3], text },
      adjusted,
      constant,
    }));
  }
}
