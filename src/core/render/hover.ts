// What a hover in source code shows, for every front end (the VS Code glue and the language server): a field or
// control-bit name with its masks, a constant written to a field decoded, an exit-reason or VM-instruction-error
// constant. The decoders come from the caller, so that the editor can keep them in a bundle loaded on first use.
import { catalogue } from '../catalogue/catalogue';
import { CONTROL_BY_KEY } from '../catalogue/controls';
import type { CapabilitySet } from '../caps/capset';
import type { Fleet } from '../caps/fleet';
import { bitState } from '../caps/masks';
import type { Decoded } from '../decode/decode';
import type { ExitConstant } from '../decode/constants';
import type { FieldRecord } from '../catalogue/catalogue';
import type { Masks } from '../caps/masks';
import { referenceAt, referenceInScan } from '../source/reference';
import type { ScanOptions, ScanResult, ScanWrite } from '../source/scan';
import { bitMarkdown, fieldMarkdown, writtenValueMarkdown, type Link } from './markdown';
import { fieldReport } from './report';

/** Names that may be exit-reason or VM-instruction-error constants: only these load the tables. */
const CONSTANT_NAME = /^(EXIT_REASON_|VMX_REASON_|VMX_EXIT_|VMXERR_|VMX_ERROR_|VMXINSTRERR_|VMX_INSN_|VmxExitReason::k|VmxInstructionError::k)/;

export interface HoverDecoders {
  hasDecoder(record: FieldRecord): boolean;
  decodeField(record: FieldRecord, value: bigint, context: { masks: Masks | null }): Decoded | undefined;
  exitConstant(name: string): ExitConstant | undefined;
  exitConstantMarkdown(name: string, c: ExitConstant): string;
}

export interface HoverEnv {
  caps: CapabilitySet;
  sourceId: string;
  targets?: Fleet;
  decoders: () => HoverDecoders;
  /** Links under a field's or a bit's hover (VS Code command links; none in the language server). */
  fieldLinks?: (record: FieldRecord) => Link[];
  bitLinks?: (record: FieldRecord, bit: number) => Link[];
  /**
   * Markdown of names already shown, for this capability set and these targets (a new map when either changes):
   * a file names the same fields again and again.
   */
  cache?: Map<string, string>;
}

const CACHE_LIMIT = 4096;

function cached(env: HoverEnv, key: string, make: () => string): string {
  let text = env.cache?.get(key);
  if (text === undefined) {
    text = make();
    if (env.cache && env.cache.size >= CACHE_LIMIT) env.cache.clear();
    env.cache?.set(key, text);
  }
  return text;
}

/** The document: its scan when it has one (files over the size limit are read by the line alone). */
export interface HoverDoc {
  text: string;
  scan?: ScanResult;
  options: ScanOptions;
}

export interface HoverResult {
  markdown: string;
  /** Offsets in the document. */
  start: number;
  end: number;
}

export function sourceHover(doc: HoverDoc, offset: number, env: HoverEnv): HoverResult | undefined {
  const lineStart = doc.text.lastIndexOf('\n', offset - 1) + 1;
  const nl = doc.text.indexOf('\n', offset);
  const line = doc.text.slice(lineStart, nl < 0 ? doc.text.length : nl);
  const ref = doc.scan ? referenceInScan(doc.scan, doc.text, offset, doc.options) : referenceAt(line, offset - lineStart, doc.options);
  if (!ref) return (doc.scan && valueHover(doc.scan, offset, env)) || constantHover(line, lineStart, offset, env);
  const start = lineStart + ref.start;
  const end = lineStart + ref.end;
  if (ref.kind === 'bit') {
    const control = CONTROL_BY_KEY.get(ref.bit.control)!;
    const record = catalogue().byEncodingNumber(control.field)!;
    const bit = ref.bit;
    const markdown = cached(env, `bit|${bit.control}|${bit.bit}|${ref.text}`, () => {
      const masks = env.caps.of(record).masks;
      return bitMarkdown(bit, masks ? bitState(masks, bit.bit) : undefined, ref.text, { sourceId: env.sourceId, snapshot: env.caps.snapshot, targets: env.targets, links: env.bitLinks?.(record, bit.bit) });
    });
    return { markdown, start, end };
  }
  const record = ref.record;
  const text = cached(env, `field|${record.hex}|${ref.text}`, () =>
    fieldMarkdown(fieldReport(record, env.caps.of(record)), { title: ref.text, sourceId: env.sourceId, snapshot: env.caps.snapshot, links: env.fieldLinks?.(record), catalogue: catalogue(), targets: env.targets }),
  );
  const written = doc.scan && writtenText(doc.scan, (w) => w.field.start <= offset && offset < w.field.end, env, false, offset);
  return { markdown: written ? `${text}\n\n---\n\n${written.text}` : text, start, end };
}

/** The writes whose field starts at or before `offset` are the candidates: the last few of them, by binary search. */
function writeNear(writes: readonly ScanWrite[], offset: number, pick: (w: ScanWrite) => boolean): ScanWrite | undefined {
  let lo = 0;
  let hi = writes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (writes[mid].field.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  // A call's value comes after its field, a line or two at most: a few writes back cover it.
  for (let k = lo - 1; k >= 0 && k >= lo - 8; k--) if (writes[k].constant !== undefined && pick(writes[k])) return writes[k];
  return undefined;
}

/** The decoded constant of a write the predicate picks (on its field or its value), if its field has a layout. */
function writtenText(scan: ScanResult, pick: (w: ScanWrite) => boolean, env: HoverEnv, titled = false, offset?: number) {
  const w = offset === undefined ? scan.writes.find((x) => x.constant !== undefined && pick(x)) : writeNear(scan.writes, offset, pick);
  if (!w || w.constant === undefined) return undefined;
  const decoders = env.decoders();
  if (!decoders.hasDecoder(w.record)) return undefined;
  const decoded = decoders.decodeField(w.record, w.constant, { masks: env.caps.of(w.record).masks });
  return decoded && { write: w, text: writtenValueMarkdown(w.constant, decoded, titled ? w.record.name : undefined) };
}

/** A hover on the constant itself: what it means for the field it is written to. */
function valueHover(scan: ScanResult, offset: number, env: HoverEnv): HoverResult | undefined {
  const found = writtenText(scan, (w) => w.value.start <= offset && offset < w.value.end, env, true, offset);
  return found && { markdown: found.text, start: found.write.value.start, end: found.write.value.end };
}

/** Exit-reason and VM-instruction-error constants of the schemes (EXIT_REASON_*, VMX_REASON_*, VMXERR_*, …). */
function constantHover(line: string, lineStart: number, offset: number, env: HoverEnv): HoverResult | undefined {
  const ch = offset - lineStart;
  const WORD = /[A-Za-z_][\w:]*/g;
  for (let m = WORD.exec(line); m; m = WORD.exec(line)) {
    if (m.index > ch) break;
    if (ch >= m.index + m[0].length) continue;
    if (!CONSTANT_NAME.test(m[0])) return undefined;
    const decoders = env.decoders();
    const c = decoders.exitConstant(m[0]);
    return c && { markdown: decoders.exitConstantMarkdown(m[0], c), start: lineStart + m.index, end: lineStart + m.index + m[0].length };
  }
  return undefined;
}
