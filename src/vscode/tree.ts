// The VMCS tree: the source, its decoded capability MSRs, then fields grouped by type and width, control fields
// expanding into their bits.
// Labels are names (stable), values go in the description, tooltips are built lazily by the shared renderer.
import * as vscode from 'vscode';
import { catalogue, type FieldRecord } from '../core/catalogue/catalogue';
import { TYPE_TITLES, TYPES, WIDTHS, type FieldType, type Width } from '../core/catalogue/encoding';
import { hex } from '../core/catalogue/hex';
import { decodeCapabilities, type DecodedMsr } from '../core/caps/capabilities';
import type { BitState } from '../core/caps/masks';
import { fieldMarkdown, sourceLine } from '../core/render/markdown';
import { sourceStatus } from '../core/render/source-name';
import { constraintSummary } from '../core/render/text';
import { fieldAcross } from '../core/caps/fleet';
import { fieldAcrossText } from '../core/caps/fleet-text';
import { fieldReport, type FieldReport } from '../core/render/report';
import type { Ctx } from './ctx';
import { fieldLinks, trustedMarkdown } from './links';

export type Node =
  | { kind: 'source'; id: string }
  | { kind: 'capabilities'; id: string }
  | { kind: 'msr'; id: string; index: number }
  | { kind: 'capability'; id: string; index: number; bits: string }
  | { kind: 'group'; id: string; type: FieldType }
  | { kind: 'width'; id: string; type: FieldType; width: Width }
  | { kind: 'field'; id: string; record: FieldRecord }
  | { kind: 'bit'; id: string; record: FieldRecord; bit: number }
  | { kind: 'across'; id: string; record: FieldRecord }
  | { kind: 'target'; id: string; record: FieldRecord; target: string };

const WIDTH_TITLES: Readonly<Record<Width, string>> = { '16': '16-bit', '32': '32-bit', '64': '64-bit', natural: 'Natural-width' };

const BIT_ICONS: Readonly<Record<BitState, vscode.ThemeIcon>> = {
  'must-be-1': new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')),
  'must-be-0': new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  free: new vscode.ThemeIcon('circle-large-outline'),
  undefined: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};

/** Has the field anything to say beyond "any value of its width"? */
export function isConstrained(r: FieldReport): boolean {
  const s = r.states;
  return r.caps.exists === false || r.record.type === 'read-only' || !s || s.mustBe1 !== 0n || s.mustBe0 !== 0n || s.undefined !== 0n || r.caps.constraints.length > 0;
}

export class VmcsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, Node>();
  private constrainedOnly = false;
  readonly view: vscode.TreeView<Node>;

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView('vmcsInspector.fields', { treeDataProvider: this, showCollapseAll: true });
    ctx.store.onDidChange(() => this.refresh());
  }

  private node<T extends Node>(n: T): T {
    const known = this.nodes.get(n.id);
    if (known) return known as T;
    this.nodes.set(n.id, n);
    return n;
  }

  fieldNode(record: FieldRecord): Node {
    return this.node({ kind: 'field', id: `field:${record.hex}`, record });
  }

  bitNode(record: FieldRecord, bit: number): Node {
    return this.node({ kind: 'bit', id: `bit:${record.hex}:${bit}`, record, bit });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  setConstrainedOnly(on: boolean): void {
    this.constrainedOnly = on;
    void vscode.commands.executeCommand('setContext', 'vmcsInspector.constrainedOnly', on);
    this.refresh();
  }

  private report(record: FieldRecord): FieldReport | undefined {
    const loaded = this.ctx.store.now;
    return loaded ? fieldReport(record, loaded.caps.of(record)) : undefined;
  }

  private visible(record: FieldRecord): boolean {
    if (!this.constrainedOnly) return true;
    const r = this.report(record);
    return !r || isConstrained(r);
  }

  getChildren(n?: Node): Node[] {
    const loaded = this.ctx.store.now;
    if (!loaded) return [];
    const records = catalogue().records;
    if (!n) return [this.node({ kind: 'source', id: 'source' }), this.node({ kind: 'capabilities', id: 'capabilities' }), ...TYPES.map((type) => this.node({ kind: 'group', id: `group:${type}`, type }))];
    if (n.kind === 'capabilities') return this.decoded().map((m) => this.node({ kind: 'msr', id: `msr:${m.index}`, index: m.index }));
    if (n.kind === 'msr') return (this.decoded().find((m) => m.index === n.index)?.fields ?? []).map((f) => this.node({ kind: 'capability', id: `msr:${n.index}:${f.bits}`, index: n.index, bits: f.bits }));
    if (n.kind === 'group') {
      return WIDTHS.filter((w) => records.some((r) => r.type === n.type && r.width === w && this.visible(r))).map((width) =>
        this.node({ kind: 'width', id: `group:${n.type}:${width}`, type: n.type, width }),
      );
    }
    if (n.kind === 'width') return records.filter((r) => r.type === n.type && r.width === n.width && this.visible(r)).map((r) => this.fieldNode(r));
    if (n.kind === 'field') {
      const r = this.report(n.record);
      const across = this.ctx.store.targets?.length ? [this.node({ kind: 'across', id: `across:${n.record.hex}`, record: n.record })] : [];
      return [...across, ...(r?.rows ?? []).filter((b) => b.name && !(b.name === 'reserved' && b.state === 'must-be-0')).map((b) => this.bitNode(n.record, b.bit))];
    }
    if (n.kind === 'across') return (this.ctx.store.targets ?? []).map((t) => this.node({ kind: 'target', id: `target:${n.record.hex}:${t.id}`, record: n.record, target: t.id }));
    return [];
  }

  /** The source's capability MSRs decoded, once per loaded source. */
  private decodedFor?: { snapshot: unknown; msrs: DecodedMsr[] };
  private decoded(): DecodedMsr[] {
    const snapshot = this.ctx.store.now?.caps.snapshot;
    if (!snapshot) return [];
    if (this.decodedFor?.snapshot !== snapshot) this.decodedFor = { snapshot, msrs: decodeCapabilities(snapshot) };
    return this.decodedFor.msrs;
  }

  getParent(n: Node): Node | undefined {
    if (n.kind === 'capability') return this.node({ kind: 'msr', id: `msr:${n.index}`, index: n.index });
    if (n.kind === 'msr') return this.node({ kind: 'capabilities', id: 'capabilities' });
    if (n.kind === 'bit' || n.kind === 'across') return this.fieldNode(n.record);
    if (n.kind === 'target') return this.node({ kind: 'across', id: `across:${n.record.hex}`, record: n.record });
    if (n.kind === 'field') return this.node({ kind: 'width', id: `group:${n.record.type}:${n.record.width}`, type: n.record.type, width: n.record.width });
    if (n.kind === 'width') return this.node({ kind: 'group', id: `group:${n.type}`, type: n.type });
    return undefined;
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const loaded = this.ctx.store.now;
    const None = vscode.TreeItemCollapsibleState.None;
    if (n.kind === 'source') {
      const item = new vscode.TreeItem(vscode.l10n.t('Source'), None);
      item.id = n.id;
      item.description = loaded ? `${sourceStatus(loaded.source.id)}${loaded.caps.snapshot.source.cpu ? ` — ${loaded.caps.snapshot.source.cpu}` : ''}` : '';
      item.iconPath = new vscode.ThemeIcon('circuit-board');
      item.tooltip = loaded ? trustedMarkdown([sourceLine(loaded.source.id, loaded.caps.snapshot), '', ...loaded.reasons.map((r) => `- ${r}`)].join('\n')) : undefined;
      item.command = { command: 'vmcsInspector.selectSource', title: vscode.l10n.t('Select Capability Source…') };
      item.contextValue = 'source';
      return item;
    }
    if (n.kind === 'capabilities') {
      const item = new vscode.TreeItem(vscode.l10n.t('Capabilities'), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = n.id;
      item.description = 'BASIC, MISC, EPT/VPID, VMFUNC';
      item.iconPath = new vscode.ThemeIcon('chip');
      item.contextValue = 'capabilities';
      return item;
    }
    if (n.kind === 'msr') {
      const m = this.decoded().find((d) => d.index === n.index)!;
      const item = new vscode.TreeItem(m.title, m.status === 'present' ? vscode.TreeItemCollapsibleState.Collapsed : None);
      item.id = n.id;
      item.description = m.value !== undefined ? `${m.name} ${hex(m.value)}` : `${m.name}: ${m.status}`;
      item.tooltip = m.reason ?? `${m.name} (${hex(BigInt(m.index))}) = ${hex(m.value!, 16)}`;
      item.contextValue = 'msr';
      return item;
    }
    if (n.kind === 'capability') {
      const f = this.decoded().find((d) => d.index === n.index)!.fields.find((x) => x.bits === n.bits)!;
      const item = new vscode.TreeItem(f.name, None);
      item.id = n.id;
      item.description = f.text;
      item.tooltip = `bits ${f.bits}: ${f.text}`;
      item.iconPath = f.format === 'flag' ? (f.raw ? BIT_ICONS.free : BIT_ICONS['must-be-0']) : new vscode.ThemeIcon('symbol-number');
      item.contextValue = 'capability';
      return item;
    }
    if (n.kind === 'group' || n.kind === 'width') {
      const item = new vscode.TreeItem(n.kind === 'group' ? TYPE_TITLES[n.type] : WIDTH_TITLES[n.width], vscode.TreeItemCollapsibleState.Collapsed);
      item.id = n.id;
      item.contextValue = n.kind;
      return item;
    }
    if (n.kind === 'across') return this.acrossItem(n.record);
    if (n.kind === 'target') return this.targetItem(n);
    const r = this.report(n.record)!;
    if (n.kind === 'field') {
      const controlBits = (r.rows ?? []).some((b) => b.name && b.name !== 'reserved') || !!this.ctx.store.targets?.length;
      const item = new vscode.TreeItem(this.label(n.record), controlBits ? vscode.TreeItemCollapsibleState.Collapsed : None);
      item.id = n.id;
      const m = r.caps.masks;
      item.description = `${n.record.hex}  ${m ? `${hex(m.allowed0, r.bits / 4)} / ${hex(m.allowed1, r.bits / 4)}` : '?'}  ${constraintSummary(r)}`;
      item.iconPath = new vscode.ThemeIcon(
        r.caps.exists === false ? 'circle-slash' : n.record.type === 'read-only' ? 'lock' : !m ? 'question' : isConstrained(r) ? 'symbol-constant' : 'symbol-field',
      );
      item.contextValue = 'field';
      return item;
    }
    const row = r.rows![n.bit];
    const item = new vscode.TreeItem(`${n.bit}: ${row.name}`, None);
    item.id = n.id;
    item.description = row.state.replace(/-/g, ' ');
    item.iconPath = BIT_ICONS[row.state];
    item.tooltip = row.description ? `${row.name}: ${row.description}` : row.name;
    item.contextValue = 'bit';
    return item;
  }

  /** The field across the target CPUs of vmcsInspector.targets: a row per CPU. */
  private acrossItem(record: FieldRecord): vscode.TreeItem {
    const targets = this.ctx.store.targets ?? [];
    const item = new vscode.TreeItem(vscode.l10n.t('Across {0} target CPUs', targets.length), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `across:${record.hex}`;
    item.tooltip = fieldAcrossText(fieldAcross(targets, record), targets.length);
    item.iconPath = new vscode.ThemeIcon('server-environment');
    item.contextValue = 'across';
    return item;
  }

  private targetItem(n: Extract<Node, { kind: 'target' }>): vscode.TreeItem {
    const t = this.ctx.store.targets?.find((x) => x.id === n.target);
    const item = new vscode.TreeItem(t?.label ?? n.target, vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.tooltip = t ? `${t.id}${t.caps.snapshot.source.cpu ? ` — ${t.caps.snapshot.source.cpu}` : ''}` : n.target;
    item.contextValue = 'target';
    if (!t) return item;
    const r = fieldReport(n.record, t.caps.of(n.record));
    const m = r.caps.masks;
    item.description = r.caps.exists === false ? vscode.l10n.t('does not exist') : m ? `${hex(m.allowed0, r.bits / 4)} / ${hex(m.allowed1, r.bits / 4)}` : vscode.l10n.t('unknown: {0}', r.caps.basis.replace(/^unknown: /, ''));
    item.iconPath = new vscode.ThemeIcon(r.caps.exists === false ? 'circle-slash' : !m ? 'question' : 'chip');
    return item;
  }

  /** Tooltips of fields are built only when shown. */
  resolveTreeItem(item: vscode.TreeItem, n: Node): vscode.TreeItem {
    const loaded = this.ctx.store.now;
    if (n.kind === 'field' && loaded) {
      const r = fieldReport(n.record, loaded.caps.of(n.record));
      item.tooltip = trustedMarkdown(fieldMarkdown(r, { sourceId: loaded.source.id, snapshot: loaded.caps.snapshot, catalogue: catalogue(), links: fieldLinks(n.record.hex).slice(1), targets: this.ctx.store.targets }));
    }
    return item;
  }

  label(record: FieldRecord): string {
    const scheme = this.ctx.config.namingScheme;
    return (scheme !== 'sdm' && record.aliases[scheme]?.[0]) || record.name;
  }

  async reveal(record: FieldRecord, bit?: number): Promise<void> {
    if (this.constrainedOnly && !this.visible(record)) this.setConstrainedOnly(false);
    const target = bit === undefined ? this.fieldNode(record) : this.bitNode(record, bit);
    await this.view.reveal(target, { select: true, focus: true, expand: bit === undefined ? 1 : false });
  }

  dispose(): void {
    this.changed.dispose();
    this.view.dispose();
  }
}
