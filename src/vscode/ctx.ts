// Owns what the extension creates: settings, the capability store, the tree, the log, and their disposal.
import * as vscode from 'vscode';
import { Config } from './config';
import { CapabilityStore } from './store';
import { VmcsTree } from './tree';

export class Ctx {
  readonly config = new Config();
  readonly log: vscode.LogOutputChannel;
  readonly store: CapabilityStore;
  readonly tree: VmcsTree;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('VMCS Inspector', { log: true });
    this.store = new CapabilityStore(this.config, this.log);
    this.tree = new VmcsTree(this);
    this.subscribe(this.log, this.store, this.tree);
  }

  subscribe(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }
}
