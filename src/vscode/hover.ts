// Hovers on VMCS field names (every scheme), raw encodings passed to accessors, control-bit names, constants written
// to fields and exit-reason constants: the shared hover of src/core/render, with VS Code's command links.
import * as vscode from 'vscode';
import { sourceHover } from '../core/render/hover';
import { entryModule } from './lazy';
import type { Ctx } from './ctx';
import { commandLink, fieldLinks, trustedMarkdown } from './links';

export const LANGUAGES = ['c', 'cpp', 'objective-c', 'objective-cpp', 'rust', 'swift', 'go', 'asm'];

export class VmcsHoverProvider implements vscode.HoverProvider {
  constructor(private readonly ctx: Ctx) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.ctx.config.hoverEnabled) return undefined;
    const loaded = await this.ctx.store.current();
    if (!loaded || token.isCancellationRequested) return undefined;
    // The document's scan knows its own definitions and multi-line calls; an over-large file is read by the line.
    const scan = this.ctx.scans.get(doc);
    const line = scan ? undefined : doc.lineAt(pos.line);
    const at = (offset: number) => (line ? new vscode.Position(pos.line, offset) : doc.positionAt(offset));
    const found = sourceHover({ text: line?.text ?? scan!.text, scan: scan?.result, options: this.ctx.config.scanOptions(doc) }, line ? pos.character : doc.offsetAt(pos), {
      caps: loaded.caps,
      sourceId: loaded.source.id,
      targets: this.ctx.store.targets,
      decoders: entryModule,
      fieldLinks: (record) => fieldLinks(record.hex),
      bitLinks: (record, bit) => [commandLink(`$(list-tree) ${vscode.l10n.t('Show in tree')}`, 'vmcsInspector.showInTree', record.hex, bit)],
    });
    return found && new vscode.Hover(trustedMarkdown(found.markdown), new vscode.Range(at(found.start), at(found.end)));
  }
}
