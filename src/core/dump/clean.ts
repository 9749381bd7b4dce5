// What a pasted dump carries besides its lines: quoted-printable mail encoding, '>' quotes (also HTML-escaped),
// indentation and code fences, syslog, dmesg and DebugView prefixes, KVM's and HAXM's module prefixes, Xen's console
// prefix and timestamps.
const SYSLOG = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: /;
const DMESG_TIME = /^\[\s*\d+\.\d+\]\s?/;
// Module prefixes: KVM's, and HAXM's log levels (its dump_vmcs prints "%04x %s: %llx", core/vmx.c vmread_dump).
const KVM_PREFIX = /^(?:kvm_intel|kvm|haxm_(?:warning|error|info|debug|panic)): /;
// Sysinternals DebugView's columns (line number, time), where HAXM's log is read on Windows.
const DEBUGVIEW = /^\d+\t\d+(?:\.\d+)?\t/;
const XEN_PREFIX = /^\(XEN\) (?:\[[^\]]*\] )?/;
const QUOTE = /^(?:\s*(?:>|&gt;))+ ?/;
// A Markdown indented code block or a pasted log's own indentation; a code fence fused to the first line.
const INDENT = /^[ \t]+/;
const FENCE = /^(?:`{3,}|~{3,})(?=[([*])/;

/** Undoes quoted-printable soft line breaks and =XX escapes when the text looks QP-encoded. */
export function unquotePrintable(text: string): string {
  if (!/=3D|=\r?\n/.test(text)) return text;
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export interface CleanLine {
  /** 1-based line in the original text (the first one of a joined quoted-printable line). */
  line: number;
  text: string;
  /** Offset in the original line where `text` starts (for editor ranges). */
  column: number;
}

/** The dump's own text of each line: prefixes removed, blanks trimmed; QP soft breaks are joined first. */
export function cleanLines(raw: string): CleanLine[] {
  const out: CleanLine[] = [];
  const qp = /=3D|=\r?\n/.test(raw);
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i];
    const first = i;
    if (qp) {
      while (text.endsWith('=') && i + 1 < lines.length) text = text.slice(0, -1) + lines[++i];
      text = text.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
    let column = 0;
    const strip = (re: RegExp) => {
      const m = re.exec(text);
      if (m) {
        column += m[0].length;
        text = text.slice(m[0].length);
      }
      return !!m;
    };
    strip(INDENT);
    strip(FENCE);
    strip(QUOTE);
    strip(INDENT);
    strip(SYSLOG);
    strip(DEBUGVIEW);
    strip(DMESG_TIME);
    strip(KVM_PREFIX);
    strip(XEN_PREFIX);
    const lead = /^\s*/.exec(text)![0].length;
    out.push({ line: first + 1, text: text.trim(), column: column + lead });
  }
  return out;
}
