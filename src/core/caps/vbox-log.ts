// VirtualBox's VBox.log: the HM (4.3+) or HWACCM (4.0-4.2) block that lists the host's VMX capability MSRs, each
// control MSR followed by its bits as VirtualBox decoded them. The values are read; the decoded lines must agree with
// them (a log edited by hand, or a reader that got the layout wrong, fails loudly rather than giving wrong masks).
import { hex } from '../catalogue/hex';
import data from './data/vbox-log.json';

const LABELS: Readonly<Record<string, string>> = data.labels;
const BITS: Readonly<Record<string, Readonly<Record<string, number>>>> = data.bits;

// "00:00:02.738067 HM: MSR_IA32_VMX_BASIC = 0xda040000000004" (4.0-4.2: "HWACCM:", no 0x; 4.3-5.x: "_BASIC_INFO").
const LINE = /^(?:\d+:\d\d:\d\d\.\d+\s+)?(HM|HWACCM):(\s+)(.*?)\s*$/;
const VALUE = /^MSR_I?A32_VMX_([A-Z0-9_]+)\s*=\s*(?:0x)?([0-9a-fA-F]+)$/;
// A decoded control bit: "POSTED_INT (must be cleared)", "CR3_LOAD_EXIT *must* be set", "LOADIWKEY_EXIT = true".
const DECODED = /^([A-Z][A-Z0-9_]*)(?: \((must be set|must be cleared)\)| \*must\* be (set)| +=\s*(true|false))?$/;
const VERSION = /VirtualBox (?:VM |Headless )?(\d+\.\d+\.\d+)\S*\s+r\d+/;
const HOST_IS_GUEST = /HVP - Hypervisor Present \(we're a guest\)\s*=\s*\d+\s*\((\d+)\)/;

export interface VboxLog {
  msrs: Map<number, bigint>;
  /** "6.x-7.x", "4.3-5.x" or "4.0-4.2" (from the labels and prefix), and the version the log names. */
  layout: string;
  version?: string;
  /** Log lines where the log's own decoding disagrees with the value it printed. */
  mismatches: { line: number; message: string }[];
  warnings: { line: number; message: string }[];
}

/** Whether the text holds a VBox.log HM block (so that the import picks this reader). */
export const isVboxLog = (text: string): boolean => /(?:^|\n)(?:\d+:\d\d:\d\d\.\d+\s+)?(?:HM|HWACCM): MSR_IA32_VMX_/.test(text);

export function readVboxLog(text: string): VboxLog {
  const out: VboxLog = { msrs: new Map(), layout: '', mismatches: [], warnings: [] };
  let current: { index: number; value: bigint } | undefined;
  let hwaccm = false;
  let basicInfo = false;
  text.split('\n').forEach((raw, i) => {
    const lineNo = i + 1;
    const text = raw.replace(/\r$/, '');
    if (!out.version) out.version = VERSION.exec(text)?.[1];
    const guest = HOST_IS_GUEST.exec(text);
    if (guest && guest[1] !== '0') out.warnings.push({ line: lineNo, message: 'the host CPU reports a hypervisor (CPUID.1:ECX[31]): these are the capabilities an outer hypervisor exposes, not the hardware\'s' });
    const m = LINE.exec(text);
    if (!m) return;
    const body = m[3];
    const v = VALUE.exec(body);
    if (v && m[2].length === 1) {
      const label = v[1];
      const index = LABELS[label];
      if (index === undefined) return void (current = undefined); // FEATURE_CONTROL, SMM_MONITOR_CTL, …
      hwaccm ||= m[1] === 'HWACCM';
      basicInfo ||= label === 'BASIC_INFO';
      const n = parseInt(index, 16);
      const value = BigInt(`0x${v[2]}`);
      const seen = out.msrs.get(n);
      if (seen !== undefined && seen !== value) out.warnings.push({ line: lineNo, message: `${label} is ${hex(value)} here but ${hex(seen)} earlier: the first is kept (a log of several runs?)` });
      else out.msrs.set(n, value);
      current = seen === undefined || seen === value ? { index: n, value } : undefined;
      return;
    }
    if (m[2].length === 1) return void (current = undefined); // another header line ends the MSR's decoded lines
    if (current) checkDecoded(body, current, lineNo, out);
  });
  out.layout = hwaccm ? '4.0-4.2' : basicInfo ? '4.3-5.x' : '6.x-7.x';
  return out;
}

/** A decoded bit line against the value above it: "(must be set)" needs allowed-0, "(must be cleared)" no allowed-1. */
function checkDecoded(body: string, current: { index: number; value: bigint }, line: number, out: VboxLog): void {
  const names = BITS[`0x${current.index.toString(16)}`];
  const d = names && DECODED.exec(body);
  if (!d) return;
  // Old releases print the whole C constant (VMX_VMCS_CTRL_PIN_EXEC_CONTROLS_NMI_EXIT): the table has those too.
  const bit = names[d[1]];
  if (bit === undefined) return;
  const state = d[2] ?? (d[3] ? 'must be set' : d[4] === 'true' ? 'allowed' : d[4] === 'false' ? 'not allowed' : 'allowed');
  // Control MSRs hold allowed-0 in bits 31:0 and allowed-1 in 63:32; PROCBASED_CTLS3 is allowed-1 only.
  const split = current.index !== 0x492;
  const a0 = split ? (current.value >> BigInt(bit)) & 1n : 0n;
  const a1 = (current.value >> BigInt(split ? bit + 32 : bit)) & 1n;
  const ok = state === 'must be set' ? a0 === 1n : state === 'must be cleared' || state === 'not allowed' ? a1 === 0n : a1 === 1n;
  if (!ok) {
    const says = state === 'allowed' ? 'may be 1' : state === 'not allowed' || state === 'must be cleared' ? 'must be 0' : 'must be 1';
    out.mismatches.push({ line, message: `the log says ${d[1]} (bit ${bit}) ${says}, but the value it printed, ${hex(current.value)}, says otherwise` });
  }
}
