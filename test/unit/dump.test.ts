// Dump readers (KVM dump_vmcs in three layouts, Xen vmcs_dump_vcpu in two, mail-mangled, NAME = value lists) and
// the value decoders, with expectations worked out by hand from the formats and the SDM's bit layouts.
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { catalogue } from '../../src/core/catalogue/catalogue';
import { decodeExitReason, decodeField, decodeInstructionError, decodeQualification } from '../../src/core/decode/decode';
import { readDump } from '../../src/core/dump/read';
import { fieldAt, readInput } from '../../src/core/dump/input';
import { checkEntry } from '../../src/core/entry/engine';
import { reportedOutcome } from '../../src/core/entry/outcome';
import { entryFindings } from '../../src/core/render/entry-findings';
import { cpuFacts, entryCaps } from '../../src/core/entry/caps';
import { coffeeLake } from './entry-states';
import { ROOT, runCli } from './helpers';

const DUMPS = join(ROOT, 'test', 'fixtures', 'workspace', 'dumps');
const text = (name: string) => readFileSync(join(DUMPS, name), 'utf8');
const caps = coffeeLake();
const failing = (name: string) => {
  const r = readInput(text(name), name);
  return checkEntry({ fields: r.fields, msrLoad: r.msrLoad }, entryCaps(caps), cpuFacts(caps)).checks.filter((c) => c.status === 'fail').map((c) => c.id);
};
const field = (name: string) => catalogue().find(name)!;

describe('dump readers', () => {
  const cases: [string, string, number, Record<number, bigint>, string[], number][] = [
    // file, format, fields read, values picked by hand from the file, failing checks on Coffee Lake, warnings
    ['kvm-6.8-invalid-cs.vmcsdump', 'kvm', 107, { 0x4816: 0xa09an, 0x6000: 0xfffffffffffefff7n, 0x4002: 0xb5a06dfan, 0x2034: 0n, 0x4012: 0xd3ffn, 0x4402: 0x80000021n, 0x2012: 0x104c6d000n, 0x4014: 1n, 0x6814: 0xfffffe0000083000n }, ['guest.cs.type'], 0],
    ['kvm-5.15-pin-based.vmcsdump', 'kvm', 104, { 0x4000: 0x89n, 0x4002: 0xb5a06dfan, 0x401e: 0x214ean, 0x4012: 0x11fbn, 0x6808: 0xffff0000n, 0x681e: 0xfff0n }, ['control.pin.allowed', 'control.posted-interrupts.vid'], 0],
    ['kvm-5.4-syslog.vmcsdump', 'kvm', 101, { 0x6820: 0x20202n, 0x481a: 0xf1n, 0x2806: 0n, 0x2804: 0x0007040600070406n, 0x2c02: 0xd01n, 0x4402: 0x80000021n }, ['guest.ds.v86.ar'], 0],
    ['xen-4.19.vmcsdump', 'xen', 107, { 0x4000: 0x3fn, 0x401e: 0x14ebn, 0x2034: 0n, 0x4824: 9n, 0x4016: 0x80000020n, 0x0c02: 0xe008n, 0x6c16: 0xffff82d04031c8a0n, 0x0004: 0n, 0x2018: 0n, 0x482e: 0n }, ['guest.interruptibility.external'], 0],
    ['xen-4.14-mailed.vmcsdump', 'xen', 106, { 0x6000: 0xffffffffffffffffn, 0x681e: 0x7c5en, 0x4816: 0xc09bn, 0x4012: 0x53ffn, 0x0c0c: 0xe040n, 0x6400: 0n }, ['guest.ia32e.pg', 'guest.ia32e.pae'], 1],
    ['hand-written.vmcsdump', 'list', 16, { 0x4000: 0x16n, 0x401e: 0x82n, 0x201a: 0x1000001en, 0x4818: 0xf3n, 0x2800: 0xffffffffffffffffn, 0x4826: 0n }, ['guest.cs.dpl', 'guest.ss.dpl'], 0],
  ];
  for (const [file, format, count, values, fails, warnings] of cases) {
    it(`${file}: ${format}, ${count} fields, the values as printed, and the checks that fail`, () => {
      const r = readInput(text(file), file);
      assert.equal(r.format, format);
      assert.equal(r.fields.size, count);
      for (const [enc, v] of Object.entries(values)) assert.equal(r.fields.get(Number(enc)), v, `field ${Number(enc).toString(16)}`);
      assert.equal(r.warnings.length, warnings, JSON.stringify(r.warnings));
      assert.deepEqual(failing(file).sort(), [...fails].sort());
    });
  }
  // The one wrong field of each fixture, put right: then no check fails.
  const corrections: [string, string, string][] = [
    ['kvm-6.8-invalid-cs.vmcsdump', 'attr=0x0a09a', 'attr=0x0a09b'],
    ['kvm-5.15-pin-based.vmcsdump', 'PinBased=00000089', 'PinBased=00000017'],
    ['kvm-5.4-syslog.vmcsdump', 'attr=0x000f1', 'attr=0x000f3'],
    ['xen-4.19.vmcsdump', 'Interruptibility = 00000009', 'Interruptibility = 00000008'],
    ['xen-4.14-mailed.vmcsdump', 'EntryControls=3D000053ff', 'EntryControls=3D000051ff'],
    ['hand-written.vmcsdump', 'GUEST_SS_AR_BYTES = 0xf3', 'GUEST_SS_AR_BYTES = 0x93'],
  ];
  for (const [file, wrong, right] of corrections) {
    it(`${file} with ${right.replace('=3D', '=')}: no check fails`, () => {
      assert.ok(text(file).includes(wrong));
      const r = readInput(text(file).replace(wrong, right), file);
      const report = checkEntry({ fields: r.fields, msrLoad: r.msrLoad }, entryCaps(caps), cpuFacts(caps));
      assert.deepEqual(report.checks.filter((c) => c.status === 'fail').map((c) => c.id), []);
    });
  }
  it('reads the VM-entry MSR-load list KVM prints, and its count', () => {
    const r = readDump(text('kvm-6.8-invalid-cs.vmcsdump'));
    assert.deepEqual(r.msrLoad, [{ index: 0x600n, reserved: 0n, value: 0n }]);
  });
  it('places each value where the line has it (for hovers and diagnostics)', () => {
    const raw = text('kvm-6.8-invalid-cs.vmcsdump');
    const r = readDump(raw);
    const spot = r.spots.get(0x4816)!;
    assert.equal(raw.split('\n')[spot.line - 1].slice(spot.start, spot.end), '0a09a');
    const mailed = text('xen-4.14-mailed.vmcsdump');
    const m = readDump(mailed);
    assert.equal(m.warnings[0].line, 1);
    assert.match(m.warnings[0].message, /^not a line of a Xen vmcs_dump_vcpu dump: "On Mon/);
  });
  it('finds the field at a position, also where a dump prints the same value again (Xen: exit reason in the header and the VMExit line)', () => {
    const raw = text('xen-4.19.vmcsdump');
    const lines = raw.split('\n');
    const r = readInput(raw, 'xen-4.19.vmcsdump');
    const header = lines[0].indexOf('80000021');
    const exitLine = lines.findIndex((l) => l.includes('reason=80000021'));
    const column = lines[exitLine].indexOf('reason=') + 'reason='.length;
    assert.equal(fieldAt(r, 0, header + 2)?.encoding, 0x4402);
    assert.equal(fieldAt(r, exitLine, column + 3)?.encoding, 0x4402);
    assert.deepEqual(fieldAt(r, exitLine, column + 3)?.spot, { line: exitLine + 1, start: column, end: column + 8 });
    assert.equal(fieldAt(r, exitLine, column - 2), undefined);
    // Only the first spot counts for diagnostics.
    assert.equal(r.spots.get(0x4402)!.line, 1);
  });
  it('reads dumps pasted indented (a Markdown code block) or behind a code fence fused to the first line', () => {
    const kvm = ['    [ 7058.291757] *** Guest State ***', '    [ 7058.291776] RFLAGS=0x00000002         DR7 = 0x0000000000000400', '  [ 7058.291829] *** Control State ***', '\t[ 7058.291838] VMEntry: intr_info=800000d1 errcode=00000000 ilen=00000000'];
    const r = readDump(kvm.join('\n'));
    assert.equal(r.format, 'kvm');
    assert.deepEqual([r.fields.get(0x6820), r.fields.get(0x681a), r.fields.get(0x4016), r.fields.get(0x401a)], [0x2n, 0x400n, 0x800000d1n, 0n]);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.spots.get(0x4016), { line: 4, start: kvm[3].indexOf('800000d1'), end: kvm[3].indexOf('800000d1') + 8 });
    const xen = readDump(['```(XEN) d1v0 vmentry failure (reason 0x80000021): Invalid guest state (0)', '(XEN) *** Guest State ***', '(XEN) CR3 = 0x0000000001000000', '```'].join('\n'));
    assert.deepEqual([xen.fields.get(0x4402), xen.fields.get(0x6802)], [0x80000021n, 0x1000000n]);
    assert.deepEqual(xen.warnings.map((w) => w.line), [4]);
  });
  it('warns about a line cut off inside a value instead of reading it as two values (Xen columns)', () => {
    const r = readDump(['(XEN) *** Guest State ***', '(XEN)        sel  attr  limit   base', '(XEN) IDTR:            00000', '(XEN)   GS: 0000 1c000 ffff', '(XEN)   FS: 0000 1c000 ffffffff 00007f11a2fb5740'].join('\n'), 'xen');
    assert.deepEqual(r.warnings.map((w) => w.line), [3, 4]);
    for (const f of [0x4812, 0x6818, 0x480a, 0x6810, 0x481e]) assert.equal(r.fields.has(f), false, `field ${f.toString(16)}`);
    assert.deepEqual([r.fields.get(0x481c), r.fields.get(0x4808), r.fields.get(0x680e)], [0x1c000n, 0xffffffffn, 0x7f11a2fb5740n]);
  });
  it("reads HAXM's dump_vmcs lines (encoding, its name, value), through DebugView's columns", () => {
    const r = readDump(['00008149\t1.46222651\thaxm_warning: 4402 VM_EXIT_INFO_REASON: 80000021\t', '00008156\t1.46237135\thaxm_warning: 6400 VM_EXIT_INFO_QUALIFICATION: 0', 'haxm_warning: 6820 GUEST_RFLAGS: 10002'].join('\n'));
    assert.equal(r.format, 'list');
    assert.deepEqual([r.fields.get(0x4402), r.fields.get(0x6400), r.fields.get(0x6820)], [0x80000021n, 0n, 0x10002n]);
    assert.deepEqual(r.warnings, []);
  });
  it("sets what the dump's exit reason says the CPU reported beside the prediction", () => {
    const failure = (o: 'vmfail' | 'enters' | 33) =>
      o === 'vmfail' ? ({ result: 'vmfail', error: 7 } as const) : o === 'enters' ? ({ result: 'enters' } as const) : ({ result: 'entry-failure', exitReason: 0x80000021, qualification: 0 } as const);
    const fields = new Map([[0x4402, 0x80000021n]]);
    assert.equal(reportedOutcome(new Map(), failure('vmfail')), undefined);
    assert.equal(reportedOutcome(new Map([[0x4402, 0x30n]]), failure('vmfail')), undefined); // an ordinary exit: no VM-entry failure
    assert.deepEqual(reportedOutcome(fields, failure(33)), { exitReason: 0x80000021, agrees: true, text: "the dump's exit reason is 33 (VM-entry failure due to invalid guest state), as predicted" });
    const vmfail = reportedOutcome(fields, failure('vmfail'))!;
    assert.equal(vmfail.agrees, false);
    assert.match(vmfail.text, /the control checks passed, so the capability source is not that CPU's/);
    assert.match(reportedOutcome(fields, failure('enters'))!.text, /no check here fails: the failing check is one this state cannot show/);
    assert.match(reportedOutcome(fields, { result: 'undecided', because: 'x', ifOpenPass: failure('vmfail') })!.text, /control checks passed/);
    // In the findings: an information note on the exit-reason value of the dump.
    // The pin-based fixture with the exit reason a CPU whose masks allow its controls would have written.
    const raw = text('kvm-5.15-pin-based.vmcsdump').replace('reason=00000000', 'reason=80000021');
    const input = readInput(raw, 'kvm-5.15-pin-based.vmcsdump');
    const report = checkEntry({ fields: input.fields, msrLoad: input.msrLoad }, entryCaps(caps), cpuFacts(caps));
    const note = entryFindings(input, report).filter((f) => f.code === 'reported-outcome');
    assert.equal(input.fields.get(0x4402), 0x80000021n);
    assert.deepEqual(note.map((f) => [f.severity, f.spot]), [['information', input.spots.get(0x4402)]]);
  });
  it('strips dmesg, syslog, module, Xen console and quote prefixes, and Xen boot timestamps', () => {
    const lines = [
      '*** Control State ***',
      'Dec  1 09:00:00 h kernel: [  12.5] kvm_intel: PinBased=0x0000007f EntryControls=000011ff ExitControls=00036dff',
      '&gt; (XEN) [   12.345678] ExceptionBitmap=00060042 PFECmask=00000000 PFECmatch=00000000',
      '>> kvm: TSC Offset = 0x0000000000000010',
    ];
    const r = readDump(lines.join('\n'), 'kvm');
    assert.deepEqual([r.fields.get(0x4000), r.fields.get(0x4012), r.fields.get(0x400c), r.fields.get(0x4004), r.fields.get(0x2010)], [0x7fn, 0x11ffn, 0x36dffn, 0x60042n, 0x10n]);
    assert.deepEqual(r.warnings, []);
  });
  it('joins a line wrapped by mail and warns about what it cannot read', () => {
    const r = readDump(['*** Guest State ***', '[ 7058.291767] CR0: actual=0x0000000000050032,', 'shadow=0x0000000000050032, gh_mask=fffffffffffffff7', 'QEMU says hello', 'CR3 = 0x10000000000000000'].join('\n'), 'kvm');
    assert.equal(r.fields.get(0x6800), 0x50032n);
    assert.equal(r.fields.get(0x6000), 0xfffffffffffffff7n);
    assert.deepEqual(r.warnings.map((w) => w.line), [4, 5]);
    assert.match(r.warnings[1].message, /0x10000000000000000 is wider than Guest CR3 \(64 bits\): not read|not a line/);
  });
  it('keeps the first of two different values of one field and says so', () => {
    const r = readDump(['(XEN) d1v0 vmentry failure (reason 0x80000021): Invalid guest state (0)', '(XEN) *** Control State ***', '(XEN)         reason=80000022 qualification=0000000000000000'].join('\n'));
    assert.equal(r.format, 'xen');
    assert.equal(r.fields.get(0x4402), 0x80000021n);
    assert.match(r.warnings[0].message, /Exit reason is 0x80000022 here but 0x80000021 on line 1: the first is kept/);
  });
  it('reads NAME = value lists with names of any scheme, high halves, comments, and warns about unknown names', () => {
    const r = readDump(['VmcsField::kGuestCr0 = 80000031', 'VMCS_LINK_POINTER_HIGH: 0xffffffff', 'VMCS_LINK_POINTER = 0xffffffff', 'NOT_A_FIELD = 1', '// a comment', 'garbage line'].join('\n'), 'list');
    assert.equal(r.fields.get(0x6800), 0x80000031n);
    assert.equal(r.fields.get(0x2800), 0xffffffffffffffffn);
    assert.deepEqual(r.warnings.map((w) => [w.line, w.message.split(' ')[0]]), [[4, 'unknown'], [6, 'not']]);
  });
});

describe('dump reader properties', () => {
  const fixtures = ['kvm-6.8-invalid-cs.vmcsdump', 'kvm-5.15-pin-based.vmcsdump', 'kvm-5.4-syslog.vmcsdump', 'xen-4.19.vmcsdump', 'xen-4.14-mailed.vmcsdump', 'hand-written.vmcsdump'].map(text);
  /** A fixture mangled the ways mail and terminals do: quotes, wrapping, lost or doubled characters, QP escapes. */
  const mangled = fc
    .tuple(fc.nat(fixtures.length - 1), fc.array(fc.tuple(fc.nat(4000), fc.constantFrom('> ', '\n', '=3D', '=\n', '', 'zz', '0x', ' ', ':', '(XEN) ', '[ 1.2] ')), { maxLength: 12 }))
    .map(([i, edits]) => edits.reduce((t, [at, ins]) => t.slice(0, at % (t.length + 1)) + ins + t.slice((at % (t.length + 1)) + (ins === '' ? 1 : 0)), fixtures[i]));
  const random = fc.string({ unit: 'binary', maxLength: 400 });
  it('never throws on 10,000 random and mangled dumps, and every warning names a line of the input', () => {
    fc.assert(
      fc.property(fc.oneof(mangled, random), fc.constantFrom(undefined, 'kvm', 'xen', 'list'), (t, format) => {
        const r = readDump(t, format as never);
        const lines = t.split(/\r?\n/).length;
        return r.warnings.every((w) => Number.isInteger(w.line) && w.line >= 1 && w.line <= lines && w.message.length > 0 && !w.message.includes('\n'));
      }),
      { numRuns: 10000 },
    );
  });
});

describe('value decoders', () => {
  it('segment access rights 0xa09b: execute/read accessed code, DPL 0, present, L, G', () => {
    const d = decodeField(field('VMCS_GUEST_CS_AR'), 0xa09bn)!;
    assert.equal(d.summary, 'type 11: code, execute/read, accessed, S (code or data segment), DPL 0, P (present), L (64-bit code), G (4-KByte granularity)');
    assert.equal(decodeField(field('GUEST_TR_AR_BYTES'), 0x8bn)!.parts[0].text, '11: 32/64-bit TSS (busy)');
    assert.equal(decodeField(field('GUEST_LDTR_AR_BYTES'), 0x10000n)!.summary, 'type 0: reserved system type, DPL 0, unusable');
  });
  it('EPTP 0x901e: WB, 4-level walk, PML4 at 0x9000', () => {
    const d = decodeField(field('EPT_POINTER'), 0x901en)!;
    assert.deepEqual(d.parts.map((p) => p.text), ['WB (write back)', '3', 'clear', 'clear', '0x9000']);
  });
  it('RFLAGS 0x246 and reserved bits', () => {
    assert.equal(decodeField(field('GUEST_RFLAGS'), 0x246n)!.summary, 'reserved (always 1), PF, ZF, IF (interrupts enabled), IOPL 0');
    assert.equal(decodeField(field('GUEST_RFLAGS'), 0x8002n)!.reserved, 0x8000n);
  });
  it('interruption information 0x80000b0e: a #PF hardware exception with its error code', () => {
    assert.equal(decodeField(field('VM_ENTRY_INTR_INFO_FIELD'), 0x80000b0en)!.summary, 'vector 14 (#PF), type hardware exception, error code delivered, valid');
  });
  it('exit reasons with their flags, VM-instruction errors', () => {
    assert.equal(decodeExitReason(0x80000021n).summary, 'basic exit reason 33: VM-entry failure due to invalid guest state, VM-entry failure');
    assert.equal(decodeExitReason(0x30n).parts[0].text, '48: EPT violation');
    assert.equal(decodeExitReason(200n).parts[0].text, '200: not an exit reason the SDM defines');
    assert.equal(decodeInstructionError(13n).parts[0].text, '13: VMWRITE to read-only VMCS component');
  });
  it('exit qualifications by exit reason: I/O, CR access, EPT violation, invalid guest state, none', () => {
    assert.equal(decodeQualification(30n, 0x03f80008n).summary, 'size 1 byte, direction IN, operand DX, port 0x3f8');
    assert.equal(decodeQualification(28n, 0x0304n).summary, 'control register CR4, access type MOV to CR, general-purpose register RBX');
    assert.equal(decodeQualification(48n, 0x182n).summary, 'data write, guest linear address valid, access to the translated address (not a paging-structure entry)');
    assert.equal(decodeQualification(0x80000021n, 4n).summary, 'detail invalid VMCS link pointer');
    assert.match(decodeQualification(10n, 0n).summary, /exit reason 10 \(CPUID\) defines no exit qualification/);
  });
  it('VM-exit instruction information by exit reason: VMWRITE from RAX with the field encoding in RCX', () => {
    const d = decodeField(field('VMX_INSTRUCTION_INFO'), 0x10000400n, { exitReason: 25n })!;
    assert.equal(d.title, 'VM-exit instruction information: VMWRITE');
    const text = (name: string) => d.parts.find((p) => p.name === name)!.text;
    assert.deepEqual([text('register operand (reg1)'), text('operand is a register'), text('field-encoding register (reg2)')], ['RAX', 'set', 'RCX']);
    assert.equal(decodeField(field('VMX_INSTRUCTION_INFO'), 0x10000400n), undefined, 'without the exit reason there is no layout');
  });
  it('control fields by bit name, with the bits the CPU requires or forbids', () => {
    const pin = field('PIN_BASED_VM_EXEC_CONTROL');
    const d = decodeField(pin, 0x89n, { masks: caps.of(pin).masks })!;
    assert.deepEqual(d.parts.filter((p) => p.problem).map((p) => `${p.bits} ${p.problem}`), ['1 must be 1 on this CPU', '2 must be 1 on this CPU', '4 must be 1 on this CPU', '7 must be 0 on this CPU']);
    assert.equal(decodeField(field('GUEST_CR0'), 0x80000031n)!.summary, 'PE, ET, NE, PG');
  });
});

describe('vmcs decode and vmcs check on dumps', () => {
  it('decode <field> <value> --json', () => {
    const r = runCli(['decode', 'VMCS_GUEST_CS_AR', '0xa09b', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.field, { encoding: '0x4816', name: 'Guest CS access rights' });
    assert.equal(out.parts[0].text, '11: code, execute/read, accessed');
  });
  it('decode error / exit-reason / qualification, and a whole dump', () => {
    assert.match(runCli(['decode', 'error', '8']).stdout, /VM entry with invalid host-state field\(s\)/);
    assert.match(runCli(['decode', 'qualification', '0x80000021', '4']).stdout, /invalid VMCS link pointer/);
    const dump = runCli(['decode', join(DUMPS, 'xen-4.19.vmcsdump'), '--source', 'profile:coffeelake-i7-9750h']);
    assert.equal(dump.status, 0, dump.stderr);
    assert.match(dump.stdout, /VM-entry interruption-information field \(0x4016\) = 0x80000020: Interruption information\n {2}vector 32, type external interrupt, valid/);
    assert.match(dump.stdout, /Exit qualification \(0x6400\) = 0x0: Exit qualification: VM-entry failure \(invalid guest state\)/);
  });
  it('check reads a dump, names its format and warnings, and exits 1 on a failing check', () => {
    const r = runCli(['check', join(DUMPS, 'xen-4.14-mailed.vmcsdump'), '--source', 'profile:coffeelake-i7-9750h', '--json']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.input.format, 'xen');
    assert.equal(out.input.warnings.length, 1);
    assert.equal(out.outcome.result, 'undecided');
    assert.equal(out.outcome.ifOpenPass.exitReason, '0x80000021');
    assert.deepEqual(out.reported, { exitReason: '0x80000021', agrees: true, text: "the dump's exit reason is 33 (VM-entry failure due to invalid guest state), as predicted" });
    const p = join(mkdtempSync(join(tmpdir(), 'vmcs-dump-')), 'pin.vmcsdump');
    writeFileSync(p, text('kvm-5.15-pin-based.vmcsdump').replace('reason=00000000', 'reason=80000021'));
    const pin = runCli(['check', p, '--source', 'profile:coffeelake-i7-9750h']);
    assert.match(pin.stdout, /\noutcome: VMfailValid, VM-instruction error 7 .*\nreported: the dump's exit reason is 33 .*: on the CPU that wrote it the control checks passed/);
    const mailed = runCli(['check', join(DUMPS, 'xen-4.14-mailed.vmcsdump'), '--source', 'profile:coffeelake-i7-9750h']);
    assert.match(mailed.stdout, /\nwarning: line 1: not a line of a Xen vmcs_dump_vcpu dump: "On Mon/);
    const bad = runCli(['check', join(DUMPS, 'xen-4.19.vmcsdump'), '--format', 'nope']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^vmcs: --format "nope": expected one of vmcs-state, kvm, xen, list\n$/);
  });
});

describe('exit-reason and VM-instruction-error constants', () => {
  it('by name in each scheme, with the other schemes\' names', () => {
    const { exitConstant } = require('../../src/core/decode/constants') as typeof import('../../src/core/decode/constants');
    const ept = exitConstant('EXIT_REASON_EPT_VIOLATION')!;
    assert.deepEqual([ept.kind, ept.number, ept.scheme], ['exit-reason', 48, 'linux']);
    const names = ept.aliases.map((a) => a.name);
    for (const n of ['VMX_REASON_EPT_VIOLATION', 'VMX_EXIT_REASON_EPT_VIOLATION', 'VMX_EXIT_EPT_VIOLATION', 'VmxExitReason::kEptViolation']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    assert.deepEqual([exitConstant('VMX_REASON_EXC_NMI')!.number, exitConstant('VMXERR_ENTRY_INVALID_CONTROL_FIELD')!.number, exitConstant('VMXERR_ENTRY_INVALID_CONTROL_FIELD')!.kind], [0, 7, 'instruction-error']);
    assert.equal(exitConstant('EXIT_REASON_NOT_A_THING'), undefined);
  });
});
