// The scan of each open document, once per version: diagnostics and hovers read the same one.
import * as vscode from 'vscode';
import { scanText, type ScanResult } from '../core/source/scan';
import type { Config } from './config';

export interface DocumentScan {
  text: string;
  result: ScanResult;
}

interface Entry {
  version: number;
  options: string;
  /** Undefined for a document over the scan limit (remembered too, so its text is not read again). */
  scan?: DocumentScan;
}

export class DocumentScans implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private readonly closing: vscode.Disposable;

  constructor(private readonly config: Config) {
    this.closing = vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString()));
  }

  /** The document's text and scan; undefined when it is larger than the scan limit. */
  get(doc: vscode.TextDocument): DocumentScan | undefined {
    const options = this.config.scanOptions(doc);
    const key = doc.uri.toString();
    const optionsKey = `${options.languages}:${JSON.stringify(options.accessors ?? [])}`;
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version && hit.options === optionsKey) return hit.scan;
    const text = doc.getText();
    const scan = text.length > this.config.maxFileSize ? undefined : { text, result: scanText(text, options) };
    this.cache.set(key, { version: doc.version, options: optionsKey, scan });
    return scan;
  }

  dispose(): void {
    this.closing.dispose();
    this.cache.clear();
  }
}
