// Command links inside hovers and tooltips. Only these commands run from markdown (an allow-list, not isTrusted: true).
import * as vscode from 'vscode';
import type { Link } from '../core/render/markdown';

export const LINK_COMMANDS = ['vmcsInspector.showInTree', 'vmcsInspector.copyMasks', 'vmcsInspector.checkValue', 'vmcsInspector.selectSource'];

export function commandLink(title: string, command: string, ...args: unknown[]): Link {
  return { title, uri: `command:${command}${args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : ''}` };
}

export function fieldLinks(encodingHex: string): Link[] {
  return [
    commandLink(`$(list-tree) ${vscode.l10n.t('Show in tree')}`, 'vmcsInspector.showInTree', encodingHex),
    commandLink(`$(copy) ${vscode.l10n.t('Copy masks')}`, 'vmcsInspector.copyMasks', encodingHex),
    commandLink(`$(check) ${vscode.l10n.t('Check value…')}`, 'vmcsInspector.checkValue', encodingHex),
  ];
}

export function trustedMarkdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text, true);
  md.isTrusted = { enabledCommands: LINK_COMMANDS };
  return md;
}
