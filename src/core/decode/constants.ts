// Exit-reason and VM-instruction-error constants of public hypervisor headers (EXIT_REASON_EPT_VIOLATION,
// VMX_REASON_EPT_VIOLATION, VMX_EXIT_REASON_EPT_VIOLATION, VMXERR_ENTRY_INVALID_CONTROL_FIELD, …) by name.
import data from './data/exit-constants.json';

export interface ExitConstant {
  kind: 'exit-reason' | 'instruction-error';
  number: number;
  scheme: string;
  /** The same number's constants in the other schemes. */
  aliases: { scheme: string; name: string }[];
}

type Tables = Map<string, { kind: ExitConstant['kind']; number: number; scheme: string }>;
let byName: Tables | undefined;

function tables(): Tables {
  if (byName) return byName;
  byName = new Map();
  for (const s of data.schemes) {
    for (const [name, number] of Object.entries(s.exitReasons)) if (!byName.has(name)) byName.set(name, { kind: 'exit-reason', number, scheme: s.scheme });
    for (const [name, number] of Object.entries(s.instructionErrors)) if (!byName.has(name)) byName.set(name, { kind: 'instruction-error', number, scheme: s.scheme });
  }
  return byName;
}

export function exitConstant(name: string): ExitConstant | undefined {
  const hit = tables().get(name);
  if (!hit) return undefined;
  const aliases: ExitConstant['aliases'] = [];
  for (const [other, v] of tables()) if (v.kind === hit.kind && v.number === hit.number && other !== name) aliases.push({ scheme: v.scheme, name: other });
  return { ...hit, aliases };
}
