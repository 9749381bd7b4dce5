// Owns what the extension creates: settings, the capability store, the tree, document scans, the log, and their disposal.
import * as vscode from 'vscode';
import { Config } from './config';
import { DocumentScans } from './scans';
import { CapabilityStore } from './store';
import { VmcsTree } from './tree';

export class Ctx {
  readonly config = new Config();
  readonly log: vscode.LogOutputChannel;
  readonly store: CapabilityStore;
  readonly tree: VmcsTree;
  readonly scans: DocumentScans;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('VMCS Inspector', { log: true });
    this.store = new CapabilityStore(this.config, this.log);
    this.tree = new VmcsTree(this);
    this.scans = new DocumentScans(this.config);
    this.subscribe(this.log, this.store, this.tree, this.scans);
  }

  subscribe(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }
}
