// The capability set the editor shows: loaded from the chosen source, refreshed on demand, and kept when a reload
// fails (the failure is reported, hovers go on with the previous data).
import * as vscode from 'vscode';
import { load, type Loaded } from '../capabilities/service';
import { loadTargets } from '../capabilities/targets';
import type { Fleet } from '../core/caps/fleet';
import type { Config } from './config';

export type StoreState = 'loading' | 'ready' | 'error';

export class CapabilityStore implements vscode.Disposable {
  private loaded: Loaded | undefined;
  private pending: Promise<Loaded | undefined> | undefined;
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  lastError: string | undefined;
  restricted: string | undefined;
  /** The target CPUs of vmcsInspector.targets (profiles and snapshot files only), when set. */
  targets: Fleet | undefined;
  private targetsGeneration = 0;

  constructor(
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): StoreState {
    if (this.pending && !this.loaded) return 'loading';
    return this.loaded ? 'ready' : this.lastError ? 'error' : 'loading';
  }

  /** The last good capability set, after any reload in progress. */
  async current(): Promise<Loaded | undefined> {
    return (await this.pending) ?? this.loaded;
  }

  get now(): Loaded | undefined {
    return this.loaded;
  }

  get loading(): boolean {
    return this.pending !== undefined;
  }

  reload(): Promise<Loaded | undefined> {
    const generation = ++this.generation;
    const choice = this.config.sourceChoice();
    this.restricted = choice.restricted;
    this.log.info(`loading capabilities from ${choice.spec}${choice.restricted ? ` (${choice.restricted})` : ''}`);
    const task = (async () => {
      const t0 = Date.now();
      try {
        const loaded = await load(choice.spec, choice.options);
        if (generation !== this.generation) return this.loaded;
        if (choice.restricted) loaded.reasons.unshift(choice.restricted);
        this.loaded = loaded;
        this.lastError = undefined;
        this.log.info(`capabilities from ${loaded.source.id} in ${Date.now() - t0} ms: ${loaded.reasons.join('; ')}`);
        return loaded;
      } catch (e) {
        const message = (e as Error).message;
        if (generation !== this.generation) return this.loaded;
        this.lastError = message;
        this.log.error(`capability source failed: ${message}`);
        void vscode.window.showWarningMessage(
          this.loaded
            ? vscode.l10n.t('VMCS: {0}. Still showing masks from {1}.', message, this.loaded.source.id)
            : vscode.l10n.t('VMCS: {0}', message),
          vscode.l10n.t('Select Source…'),
        ).then((pick) => pick && vscode.commands.executeCommand('vmcsInspector.selectSource'));
        return this.loaded;
      } finally {
        if (generation === this.generation) this.pending = undefined;
        this.changed.fire();
      }
    })();
    this.pending = task;
    this.changed.fire();
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('VMCS: reading capabilities') }, () => task);
    return task;
  }

  /** Reads vmcsInspector.targets; a bad entry is reported once and leaves no targets. */
  async reloadTargets(): Promise<void> {
    const generation = ++this.targetsGeneration;
    const specs = this.config.targets;
    let targets: Fleet | undefined;
    try {
      targets = specs.length ? await loadTargets(specs, this.config.workspaceRoot) : undefined;
      if (targets) this.log.info(`targets: ${targets.length} CPUs (${specs.join(', ')})`);
    } catch (e) {
      this.log.error(`targets: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('VMCS: {0}. No target CPUs are checked.', (e as Error).message));
    }
    if (generation !== this.targetsGeneration) return;
    this.targets = targets;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
