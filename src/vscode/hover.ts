// Hovers on VMCS field names (every scheme), raw encodings passed to accessors, and control-bit names.
import * as vscode from 'vscode';
import { catalogue } from '../core/catalogue/catalogue';
import { CONTROL_BY_KEY } from '../core/catalogue/controls';
import { bitState } from '../core/caps/masks';
import { referenceAt, referenceInScan } from '../core/source/reference';
import { bitMarkdown, fieldMarkdown, writtenValueMarkdown } from '../core/render/markdown';
import type { ScanResult } from '../core/source/scan';
import type { Loaded } from '../capabilities/service';
import { entryModule } from './lazy';
import { fieldReport } from '../core/render/report';
import type { Ctx } from './ctx';
import { commandLink, fieldLinks, trustedMarkdown } from './links';

/** Names that may be exit-reason or VM-instruction-error constants: only these load the tables. */
const CONSTANT_NAME = /^(EXIT_REASON_|VMX_REASON_|VMX_EXIT_|VMXERR_|VMX_ERROR_|VMXINSTRERR_|VMX_INSN_|VmxExitReason::k|VmxInstructionError::k)/;

export const LANGUAGES = ['c', 'cpp', 'objective-c', 'objective-cpp', 'rust', 'swift', 'go', 'asm'];

export class VmcsHoverProvider implements vscode.HoverProvider {
  constructor(private readonly ctx: Ctx) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.ctx.config.hoverEnabled) return undefined;
    // The document's scan knows its own definitions and multi-line calls; an over-large file is read by the line.
    const options = this.ctx.config.scanOptions(doc);
    const scan = this.ctx.scans.get(doc);
    const offset = doc.offsetAt(pos);
    const ref = scan ? referenceInScan(scan.result, scan.text, offset, options) : referenceAt(doc.lineAt(pos.line).text, pos.character, options);
    if (!ref) return (scan && (await this.valueHover(doc, scan.result, offset, token))) || this.constantHover(doc, pos);
    const loaded = await this.ctx.store.current();
    if (!loaded || token.isCancellationRequested) return undefined;
    const range = new vscode.Range(pos.line, ref.start, pos.line, ref.end);
    if (ref.kind === 'bit') {
      const control = CONTROL_BY_KEY.get(ref.bit.control)!;
      const record = catalogue().byEncodingNumber(control.field)!;
      const masks = loaded.caps.of(record).masks;
      const text = bitMarkdown(ref.bit, masks ? bitState(masks, ref.bit.bit) : undefined, ref.text, {
        sourceId: loaded.source.id,
        snapshot: loaded.caps.snapshot,
        targets: this.ctx.store.targets,
        links: [commandLink(`$(list-tree) ${vscode.l10n.t('Show in tree')}`, 'vmcsInspector.showInTree', record.hex, ref.bit.bit)],
      });
      return new vscode.Hover(trustedMarkdown(text), range);
    }
    const report = fieldReport(ref.record, loaded.caps.of(ref.record));
    const text = fieldMarkdown(report, {
      title: ref.text,
      sourceId: loaded.source.id,
      snapshot: loaded.caps.snapshot,
      links: fieldLinks(ref.record.hex),
      catalogue: catalogue(),
      targets: this.ctx.store.targets,
    });
    const written = scan && this.written(scan.result, (w) => w.field.start <= offset && offset < w.field.end, loaded);
    return new vscode.Hover(trustedMarkdown(written ? `${text}\n\n---\n\n${written.text}` : text), range);
  }

  /** The decoded constant of a write the predicate picks (on its field or its value), if its field has a layout. */
  private written(scan: ScanResult, pick: (w: ScanResult['writes'][number]) => boolean, loaded: Loaded, titled = false) {
    const w = scan.writes.find((x) => x.constant !== undefined && pick(x));
    if (!w || w.constant === undefined) return undefined;
    const lazy = entryModule();
    if (!lazy.hasDecoder(w.record)) return undefined;
    const decoded = lazy.decodeField(w.record, w.constant, { masks: loaded.caps.of(w.record).masks });
    return decoded && { write: w, text: writtenValueMarkdown(w.constant, decoded, titled ? w.record.name : undefined) };
  }

  /** Exit-reason and VM-instruction-error constants of the schemes (EXIT_REASON_*, VMX_REASON_*, VMXERR_*, …). */
  private constantHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_][\w:]*/);
    const word = range && doc.getText(range);
    if (!word || !CONSTANT_NAME.test(word)) return undefined;
    const lazy = entryModule();
    const c = lazy.exitConstant(word);
    return c && new vscode.Hover(trustedMarkdown(lazy.exitConstantMarkdown(word, c)), range);
  }

  /** A hover on the constant itself: what it means for the field it is written to. */
  private async valueHover(doc: vscode.TextDocument, scan: ScanResult, offset: number, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!scan.writes.some((w) => w.constant !== undefined && w.value.start <= offset && offset < w.value.end)) return undefined;
    const loaded = await this.ctx.store.current();
    if (!loaded || token.isCancellationRequested) return undefined;
    const found = this.written(scan, (w) => w.value.start <= offset && offset < w.value.end, loaded, true);
    if (!found) return undefined;
    return new vscode.Hover(trustedMarkdown(found.text), new vscode.Range(doc.positionAt(found.write.value.start), doc.positionAt(found.write.value.end)));
  }
}
