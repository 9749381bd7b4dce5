// Which argument of a VMCS accessor (hv_vmx_vcpu_write_vmcs, vmcs_write32, __vmwrite, …) is the field and which the
// value; accessors called as methods; Rust's receiver form `Field.write(v)`; and the name patterns that make an
// unknown wrapper count as one.
import data from './data/accessors.json';
import { languageSet } from '../catalogue/languages';

export interface AccessorForm {
  args: number;
  field: number;
  value?: number;
}

export interface Accessor {
  name: string;
  /** Forms tried in order: a call takes the first whose argument count matches and whose field argument is a field. */
  forms: readonly AccessorForm[];
  /** Called as a method (`intrinsic.vmwr64(…)`): `.` or `->` before the name is allowed. */
  method?: boolean;
  /** Writes a software copy of a VMCS (a nested guest's): nothing the CPU checks, so no findings. */
  virtual?: boolean;
}

/** A project's own wrapper, from the `vmcsInspector.accessors` setting or `--accessors`. */
export interface AccessorSpec {
  name: string;
  field: number;
  value?: number;
  args?: number;
}

export const ACCESSORS: ReadonlyMap<string, Accessor> = new Map(data.accessors.map((a) => [a.name, a as Accessor]));

/** Helpers whose result already respects the masks (cap2ctrl and friends). */
export const ADJUST_HELPERS: ReadonlySet<string> = new Set(data.adjust);

/** `FIELD.write(v)` / `FIELD.read()` where FIELD is a field name, in these languages. */
export const RECEIVERS = {
  languages: languageSet(data.receivers.languages, 'accessors.json receivers'),
  methods: new Map(data.receivers.methods.map((m) => [m.name, m as AccessorForm & { name: string }])),
};

const WRAPPER_WRITE = new RegExp(data.wrappers.write, 'i');
const WRAPPER_READ = new RegExp(data.wrappers.read, 'i');
const WRAPPER_NOT = new RegExp(data.wrappers.not, 'i');
const WRAPPER_VIRTUAL = new RegExp(data.wrappers.virtual, 'i');

/**
 * An unknown function named like a VMCS write or read wrapper (`MyVmWrite`, `vmcs_read_field`); `virtual` for one
 * named like a nested guest's software VMCS (`__nested_vmcs_write`), whose writes the CPU never checks.
 */
export function wrapperKind(name: string): 'write' | 'read' | 'virtual' | undefined {
  if (WRAPPER_NOT.test(name)) return undefined;
  const kind = WRAPPER_WRITE.test(name) ? 'write' : WRAPPER_READ.test(name) ? 'read' : undefined;
  return kind && WRAPPER_VIRTUAL.test(name) ? 'virtual' : kind;
}

/** Accessors with a project's own wrappers added (they win over same-named built-ins); bad entries are errors naming the entry. */
export function withAccessors(specs: readonly AccessorSpec[] | undefined, where: string): ReadonlyMap<string, Accessor> {
  if (!specs?.length) return ACCESSORS;
  const out = new Map(ACCESSORS);
  specs.forEach((s, i) => {
    const at = `${where}[${i}]`;
    if (!s || typeof s !== 'object') throw new Error(`${at}: expected an object { name, field, value? }`);
    if (typeof s.name !== 'string' || !/^[A-Za-z_]\w*$/.test(s.name)) throw new Error(`${at}.name: expected a function or macro name`);
    const index = (v: unknown, key: string) => {
      if (v === undefined && key !== 'field') return undefined;
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 15) throw new Error(`${at}.${key}: expected an argument index 0-15`);
      return v as number;
    };
    const field = index(s.field, 'field')!;
    const value = index(s.value, 'value');
    if (value === field) throw new Error(`${at}: field and value are the same argument`);
    const args = index(s.args, 'args') ?? Math.max(field, value ?? -1) + 1;
    if (args <= Math.max(field, value ?? -1)) throw new Error(`${at}.args: ${args} arguments leave no room for the field and value`);
    out.set(s.name, { name: s.name, forms: [{ args, field, ...(value !== undefined ? { value } : {}) }] });
  });
  return out;
}
