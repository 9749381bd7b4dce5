// Hovers on VMCS field names (every scheme), raw encodings passed to accessors, and control-bit names.
import * as vscode from 'vscode';
import { catalogue } from '../core/catalogue/catalogue';
import { CONTROL_BY_KEY } from '../core/catalogue/controls';
import { bitState } from '../core/caps/masks';
import { referenceAt, referenceInScan } from '../core/source/reference';
import { bitMarkdown, fieldMarkdown } from '../core/render/markdown';
import { fieldReport } from '../core/render/report';
import type { Ctx } from './ctx';
import { commandLink, fieldLinks, trustedMarkdown } from './links';

export const LANGUAGES = ['c', 'cpp', 'objective-c', 'objective-cpp', 'rust', 'swift', 'go', 'asm'];

export class VmcsHoverProvider implements vscode.HoverProvider {
  constructor(private readonly ctx: Ctx) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.ctx.config.hoverEnabled) return undefined;
    // The document's scan knows its own definitions and multi-line calls; an over-large file is read by the line.
    const options = this.ctx.config.scanOptions(doc);
    const scan = this.ctx.scans.get(doc);
    const ref = scan ? referenceInScan(scan.result, scan.text, doc.offsetAt(pos), options) : referenceAt(doc.lineAt(pos.line).text, pos.character, options);
    if (!ref) return undefined;
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
    });
    return new vscode.Hover(trustedMarkdown(text), range);
  }
}
