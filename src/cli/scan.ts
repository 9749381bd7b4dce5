import { readFile } from 'node:fs/promises';
import { languagesOf } from '../core/catalogue/languages';
import { withAccessors, type AccessorSpec } from '../core/source/accessors';
import { diagnose } from '../core/source/diagnose';
import { hex } from '../core/catalogue/hex';
import { lineIndex, scanText } from '../core/source/scan';
import { sourceJson } from '../core/render/json';
import { loadFleet, loadSource, printJson, type Context } from './context';
import { FailedError, UsageError } from './errors';

/** The project's own accessors from `--accessors <file>`: a JSON array of { name, field, value?, args? }. */
async function readAccessors(file: string | undefined): Promise<AccessorSpec[] | undefined> {
  if (!file) return undefined;
  let specs: unknown;
  try {
    specs = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code ? `cannot read (${code})` : `not JSON (${(e as Error).message})`}`);
  }
  if (!Array.isArray(specs)) throw new UsageError(`${file}: expected a JSON array of { "name", "field", "value" } accessors`);
  try {
    withAccessors(specs as AccessorSpec[], file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return specs as AccessorSpec[];
}

/**
 * `vmcs scan <file>...`: VMCS references and findings on constant writes; exit 1 when a finding is a warning or an
 * error (hints and information, such as writes to fields this CPU lacks, do not fail a run).
 */
export async function scan(ctx: Context): Promise<number> {
  if (!ctx.args.length) throw new UsageError('scan needs at least one source file');
  const accessors = await readAccessors(ctx.options.accessors);
  const { source, reasons, caps } = await loadSource(ctx);
  const fleet = await loadFleet(ctx);
  const files = [];
  for (const file of ctx.args) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new FailedError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const result = scanText(text, { languages: languagesOf(undefined, file), accessors });
    const at = lineIndex(text);
    const pos = (offset: number) => {
      const p = at(offset);
      return { line: p.line + 1, col: p.col + 1 };
    };
    files.push({
      file,
      references: result.references.map((r) => ({ ...pos(r.start), name: r.text, encoding: r.record.hex, field: r.record.name, via: r.via })),
      violations: diagnose(result, caps, source.id, undefined, fleet).map((f) => ({
        ...pos(f.write.value.start),
        kind: f.kind,
        severity: f.severity,
        encoding: (f.write.record.full ?? f.write.record).hex,
        field: f.write.record.name,
        fieldLine: pos(f.write.field.start).line,
        value: f.write.constant !== undefined ? hex(f.write.constant) : null,
        valueText: f.write.value.text,
        message: f.message,
        bits: f.violations.map((v) => ({ bit: v.bit, name: v.name, state: v.state })),
        ...(f.adjusted !== undefined ? { adjusted: hex(f.adjusted) } : {}),
      })),
    });
  }
  const count = files.reduce((n, f) => n + f.violations.length, 0);
  const failing = files.reduce((n, f) => n + f.violations.filter((v) => v.severity === 'warning' || v.severity === 'error').length, 0);
  if (ctx.options.json) printJson(ctx, { source: sourceJson(source.id, caps.snapshot, reasons), ...(fleet ? { targets: fleet.map((t) => ({ id: t.id, label: t.label })) } : {}), files });
  else {
    const lines: string[] = [];
    for (const f of files) {
      for (const r of f.references) lines.push(`${f.file}:${r.line}:${r.col}: reference ${r.name} -> ${r.encoding} ${r.field}`);
      for (const v of f.violations) lines.push(`${f.file}:${v.line}:${v.col}: ${v.severity}: ${v.message}${v.adjusted ? ` (adjusted: ${v.adjusted})` : ''}`);
    }
    lines.push(`${count} finding${count === 1 ? '' : 's'} (${failing} warning${failing === 1 ? '' : 's'} or error${failing === 1 ? '' : 's'}) against ${source.id}${fleet ? ` and ${fleet.length} target CPU${fleet.length === 1 ? '' : 's'}` : ''}`);
    ctx.out(lines.join('\n'));
  }
  return failing ? 1 : 0;
}
