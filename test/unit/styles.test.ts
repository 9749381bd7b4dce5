// Every naming style of public hypervisors, as fixtures written in each project's style (test/fixtures/workspace/
// styles): each line's expected references, control bits, constant values and findings are annotated in the fixture
// by hand, and the scanner, the hover lookup and the diagnostics must give exactly those.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { languagesOf } from '../../src/core/catalogue/languages';
import { hex } from '../../src/core/catalogue/hex';
import { diagnose } from '../../src/core/source/diagnose';
import { referenceAt, referenceInScan } from '../../src/core/source/reference';
import { lineIndex, scanText } from '../../src/core/source/scan';
import { capsFromMsrs, ROOT } from './helpers';

const DIR = join(ROOT, 'test', 'fixtures', 'workspace', 'styles');
const profile = (id: string) => capsFromMsrs(JSON.parse(readFileSync(join(ROOT, 'src', 'capabilities', 'profiles', `${id}.vmcs.json`), 'utf8')).msrs);
const COFFEELAKE = profile('coffeelake-i7-9750h');
const SANDYBRIDGE = profile('sandybridge-e-i7-3960x');

interface Expect {
  line: number;
  code: string;
  vmcs: string[];
  bits: string[];
  value: string[];
  finding?: [string, string];
}

const KEYS = /\b(vmcs|bits|value|finding):/g;

/** The annotations of every line: what follows "vmcs:", "bits:", "value:" and "finding:" in its trailing // comment. */
function annotations(text: string): Expect[] {
  return text.split('\n').map((full, line) => {
    const at = full.search(/\/\/ (vmcs|bits|value|finding):/);
    const code = at < 0 ? full : full.slice(0, at);
    const e: Expect = { line, code, vmcs: [], bits: [], value: [] };
    if (at < 0) return e;
    const note = full.slice(at + 3);
    const marks = [...note.matchAll(KEYS)];
    marks.forEach((m, i) => {
      const body = note.slice(m.index! + m[0].length, i + 1 < marks.length ? marks[i + 1].index : undefined).trim();
      if (m[1] === 'finding') {
        const [a, b] = body.split('|').map((s) => s.trim());
        e.finding = [a, b];
      } else e[m[1] as 'vmcs' | 'bits' | 'value'] = body.split(/\s+/).filter(Boolean);
    });
    return e;
  });
}

const files = readdirSync(DIR).filter((f) => /\.(c|cpp|rs|h)$/.test(f));

describe('naming styles of public hypervisors (annotated fixtures)', () => {
  it('has a fixture per style', () => {
    for (const f of ['hyperdbg.c', 'gbhv.c', 'hv.cpp', 'bareflank.cpp', 'hyperplatform.cpp', 'hvpp.cpp', 'arceos.rs', 'rust_x86.rs', 'rustyvisor.rs', 'kvm_nested.c', 'xen_vmx.c', 'bhyve_old.c', 'acrn.c', 'haxm.c', 'simplevisor.c', 'noirvisor.c', 'virtualbox.cpp', 'rvm15.rs', 'ksm.c', 'kvm_unit_tests.c', 'own_names.c', 'policy.c']) {
      assert.ok(files.includes(f), f);
    }
  });
  for (const file of files) {
    describe(file, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const options = { languages: languagesOf(undefined, file) };
      const lines = annotations(text);
      const scan = scanText(text, options);
      const at = lineIndex(text);
      it('every reference, and only those, on the annotated lines', () => {
        const got = lines.map(() => [] as string[]);
        for (const r of scan.references) got[at(r.start).line].push(r.record.hex);
        const failures = lines.filter((e) => got[e.line].join(' ') !== e.vmcs.join(' ')).map((e) => `line ${e.line + 1}: got [${got[e.line].join(' ')}], want [${e.vmcs.join(' ')}]: ${e.code.trim()}`);
        assert.deepEqual(failures, []);
        assert.ok(lines.some((e) => e.vmcs.length), 'the fixture annotates references');
      });
      const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
      it('a hover on each reference names the same field, from the document and from the line alone', () => {
        const source = text.split('\n');
        const defined = new Set([...text.matchAll(/^(?:\s*(\w+)\s*=|(?:static )?const \w+ (\w+) =|const (\w+):)/gm)].map((m) => m[1] ?? m[2] ?? m[3]));
        for (const r of scan.references) {
          const { line, col } = at(r.start);
          const ref = referenceInScan(scan, text, r.start + 1, options);
          assert.equal(ref?.kind === 'field' ? ref.record.hex : ref?.kind, r.record.hex, `line ${line + 1}: ${r.text}`);
          // A line alone lacks the file's own definitions and the rest of a call spread over lines.
          if (defined.has(r.text) || !/\)/.test(source[line].slice(col))) continue;
          const byLine = referenceAt(source[line], col, options);
          assert.equal(byLine?.kind === 'field' ? byLine.record.hex : byLine?.kind, r.record.hex, `line ${line + 1} alone: ${r.text}`);
        }
      });
      it('every control-bit name on the annotated lines, by hover', () => {
        const failures: string[] = [];
        for (const e of lines) {
          const got: string[] = [];
          for (const m of e.code.matchAll(/[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*/g)) {
            const ref = referenceInScan(scan, text, lineStarts[e.line] + m.index!, options);
            if (ref?.kind === 'bit') got.push(`${ref.bit.control}:${ref.bit.bit}`);
          }
          if (got.join(' ') !== e.bits.join(' ')) failures.push(`line ${e.line + 1}: got [${got.join(' ')}], want [${e.bits.join(' ')}]`);
        }
        assert.deepEqual(failures, []);
      });
      it('the constant values written', () => {
        const got = lines.map(() => [] as string[]);
        for (const w of scan.writes) if (w.constant !== undefined) got[at(w.value.start).line].push(hex(w.constant));
        const failures = lines.filter((e) => got[e.line].join(' ') !== e.value.join(' ')).map((e) => `line ${e.line + 1}: got [${got[e.line].join(' ')}], want [${e.value.join(' ')}]`);
        assert.deepEqual(failures, []);
      });
      it('findings: none unless annotated (Coffee Lake | Sandy Bridge-E)', () => {
        for (const [k, caps] of [[0, COFFEELAKE], [1, SANDYBRIDGE]] as const) {
          const got = lines.map(() => [] as string[]);
          for (const f of diagnose(scan, caps, 'test')) got[at(f.write.value.start).line].push(`${f.severity} ${f.kind}`);
          const failures = lines.filter((e) => got[e.line].join(', ') !== (e.finding?.[k] ?? '')).map((e) => `line ${e.line + 1} (${k ? 'Sandy Bridge-E' : 'Coffee Lake'}): got [${got[e.line].join(', ')}], want [${e.finding?.[k] ?? ''}]`);
          assert.deepEqual(failures, []);
        }
      });
    });
  }
});
