// Typed view of the settings. Native paths are read only in a trusted workspace; in Restricted Mode the
// source is limited to profiles and snapshots, so no probe, device, library or runtime is ever used.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceOptions } from '../capabilities/service';
import { targetSpecs } from '../capabilities/targets';
import { languagesOf } from '../core/catalogue/languages';
import { withAccessors, type AccessorSpec } from '../core/source/accessors';
import type { ScanOptions } from '../core/source/scan';

export const SECTION = 'vmcsInspector';

export type SourceSetting = 'auto' | 'hvf' | 'kvm' | 'msr' | 'snapshot' | 'profile';

export interface SourceChoice {
  spec: string;
  options: SourceOptions;
  /** Set when Restricted Mode changed what the settings asked for. */
  restricted?: string;
}

export class Config {
  private get cfg() {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get hoverEnabled(): boolean {
    return this.cfg.get<boolean>('hover.enabled', true);
  }

  get namingScheme(): string {
    return this.cfg.get<string>('namingScheme', 'sdm');
  }

  /** error | warning | information | hint | off */
  get diagnosticsSeverity(): string {
    return this.cfg.get<string>('diagnostics.severity', 'warning');
  }

  /** error | warning | information | hint | off, for writes to fields the CPU lacks. */
  get missingFieldSeverity(): string {
    return this.cfg.get<string>('diagnostics.missingFieldSeverity', 'hint');
  }

  private checkedAccessors: { key: string; specs: AccessorSpec[] } | undefined;

  /**
   * The project's own accessors (vmcsInspector.accessors), checked once per change: a bad entry is reported in one
   * message naming it, and then only the built-in accessors are used.
   */
  get accessors(): AccessorSpec[] {
    const v = this.cfg.get<unknown>('accessors', []);
    const key = JSON.stringify(v);
    if (this.checkedAccessors?.key === key) return this.checkedAccessors.specs;
    let specs: AccessorSpec[] = [];
    try {
      if (!Array.isArray(v)) throw new Error(`${SECTION}.accessors: expected an array of { "name", "field", "value" }`);
      withAccessors(v as AccessorSpec[], `${SECTION}.accessors`);
      specs = v as AccessorSpec[];
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('VMCS: {0}. Only the built-in accessors are used.', (e as Error).message));
    }
    this.checkedAccessors = { key, specs };
    return specs;
  }

  /** What the scanner needs to read a document: its languages and the accessors. */
  scanOptions(doc: vscode.TextDocument): ScanOptions {
    return { languages: languagesOf(doc.languageId, doc.fileName), accessors: this.accessors };
  }

  /** Files larger than this (characters) are not scanned. */
  get maxFileSize(): number {
    return this.cfg.get<number>('diagnostics.maxFileSize', 2_000_000);
  }

  /** vmcsInspector.targets: `all`, profile ids, snapshot paths (a string with commas or a list). */
  get targets(): string[] {
    return targetSpecs(this.cfg.get<unknown>('targets', []));
  }

  /** Where relative snapshot paths of the settings resolve. */
  get workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  get profile(): string {
    return this.cfg.get<string>('profile', '');
  }

  /** The source spec and options the settings ask for, after the workspace-trust rules. */
  sourceChoice(): SourceChoice {
    const setting = this.cfg.get<SourceSetting>('source', 'auto');
    const profileSpec = `profile:${this.profile}`;
    const snapshotSpec = () => {
      const p = this.cfg.get<string>('snapshotPath', '');
      const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      return `snapshot:${p && !path.isAbsolute(p) && root ? path.join(root, p) : p}`;
    };
    if (setting === 'snapshot') return { spec: snapshotSpec(), options: { defaultProfile: this.profile } };
    if (setting === 'profile') return { spec: profileSpec, options: {} };
    if (!vscode.workspace.isTrusted) {
      return {
        spec: profileSpec,
        options: {},
        restricted: vscode.l10n.t('Restricted Mode: the {0} source is not used (no probe or device access in an untrusted workspace)', setting),
      };
    }
    const str = (key: string) => this.cfg.get<string>(key, '') || undefined;
    return {
      spec: setting,
      options: {
        hvfLibrary: str('hvf.library'),
        probeRuntime: str('hvf.runtime'),
        kvmDevice: str('kvm.device'),
        msrDevice: str('msr.device'),
        probeTimeoutMs: this.cfg.get<number>('probe.timeoutMs'),
        defaultProfile: this.profile,
      },
    };
  }

  async update(key: string, value: unknown): Promise<void> {
    await this.cfg.update(key, value, vscode.ConfigurationTarget.Global);
  }

  affects(e: vscode.ConfigurationChangeEvent, ...keys: string[]): boolean {
    return keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
  }
}
