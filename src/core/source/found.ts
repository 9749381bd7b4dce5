// What a scan finds, kept as offsets and shared objects while it runs: a large file has hundreds of thousands of
// references and writes, and objects for each would cost more in garbage collection than finding them. The objects
// of ScanResult are made when they are first read.
import type { FieldRecord } from '../catalogue/catalogue';
import { Ints, Numbered } from './ints';
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
  /** start, end, record, kind per reference */
  private readonly refs = new Ints();
  /** field start, field end, value start, value end, record, accessor, value per write */
  private readonly wrote = new Ints();
  private readonly records = new Numbered<FieldRecord>();
  private readonly accessors = new Numbered<string>();
  private readonly values = new Numbered<Worked>();

  constructor(private readonly src: SourceCode) {}

  reference(start: number, end: number, record: FieldRecord, kind: number): void {
    const r = this.refs;
    r.push(start);
    r.push(end);
    r.push(this.records.id(record));
    r.push(kind);
  }

  write(accessor: string, record: FieldRecord, fieldStart: number, fieldEnd: number, valueStart: number, valueEnd: number, value: Worked): void {
    const w = this.wrote;
    w.push(fieldStart);
    w.push(fieldEnd);
    w.push(valueStart);
    w.push(valueEnd);
    w.push(this.records.id(record));
    w.push(this.accessors.id(accessor));
    w.push(this.values.id(value));
  }

  /** In text order: calls report their raw-encoding arguments before the name pass reaches them. */
  references(): ScanReference[] {
    const { data: r, length } = this.refs;
    const { src } = this;
    const records = this.records.list;
    const order = Array.from({ length: length / 4 }, (_, i) => 4 * i);
    for (let i = 4; i < length; i += 4) {
      if (r[i - 4] > r[i]) {
        order.sort((a, b) => r[a] - r[b]);
        break;
      }
    }
    return order.map((k): ScanReference => {
      const start = r[k];
      const end = r[k + 1];
      const kind = r[k + 3];
      const text = kind & CODE ? src.slice(start, end) : kind & MACRO ? src.slice(start, end).replace(/\s+/g, '') : src.text.slice(start, end);
      return { start, end, record: records[r[k + 2]], text, via: kind & ENCODING ? 'encoding' : 'name' };
    });
  }

  writes(): ScanWrite[] {
    const { data: w, length } = this.wrote;
    const out: ScanWrite[] = [];
    for (let k = 0; k < length; k += 7) {
      const { text, adjusted, constant } = this.values.list[w[k + 6]];
      out.push({
        accessor: this.accessors.list[w[k + 5]],
        record: this.records.list[w[k + 4]],
        field: { start: w[k], end: w[k + 1] },
        value: { start: w[k + 2], end: w[k + 3], text },
        adjusted,
        constant,
      });
    }
    // In text order, which hovers search by halves.
    for (let i = 1; i < out.length; i++) if (out[i - 1].field.start > out[i].field.start) return out.sort((a, b) => a.field.start - b.field.start);
    return out;
  }
}
