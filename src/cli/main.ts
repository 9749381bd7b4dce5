// The `vmcs` command: one-line `vmcs:` errors, exit 0 success, 1 query/source failed, 2 usage or invalid input.
import { parseArgs } from 'node:util';
import { SOURCE_SPEC_HELP, SpecError } from '../capabilities/service';
import { TARGETS_HELP } from '../capabilities/targets';
import { SnapshotError } from '../core/caps/snapshot';
import { bits } from './bits';
import { capture } from './capture';
import { check } from './check';
import { decode } from './decode';
import { StateError } from '../core/dump/state-file';
import { caps } from './caps';
import { diff } from './diff';
import { importCommand } from './import';
import { lsp } from './lsp';
import { ImportError } from '../core/caps/import';
import type { Context } from './context';
import { UsageError } from './errors';
import { lookup } from './lookup';
import { masks } from './masks';
import { profiles } from './profiles';
import { scan } from './scan';

type Command = (ctx: Context) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  lookup: { run: lookup, usage: 'lookup <name|encoding>... [--json]' },
  masks: { run: masks, usage: 'masks [<field>...] [--source <spec> | --targets <specs>] [--json]' },
  bits: { run: bits, usage: 'bits <field> [--value <v>] [--source <spec> | --targets <specs>] [--json]' },
  profiles: { run: profiles, usage: 'profiles [--json]' },
  caps: { run: caps, usage: 'caps [--source <spec>] [--json]   (BASIC, MISC, EPT/VPID, VMFUNC decoded; every control bit)' },
  capture: { run: capture, usage: 'capture [--source <spec>] [-o <file>]' },
  scan: { run: scan, usage: 'scan <file>... [--source <spec>] [--targets <specs>] [--accessors <json-file>] [--json]' },
  check: { run: check, usage: 'check <state-file|dump|-> [--format vmcs-state|kvm|xen|list] [--source <spec>] [--json]   (every VM-entry check of SDM Vol. 3C ch. 27)' },
  decode: { run: decode, usage: 'decode <field> <value> | error <n> | exit-reason <v> | qualification <exit-reason> <v> | <dump-file|-> [--json]' },
  import: { run: importCommand, usage: 'import <vbox-log|vmxcap-output|aida64-dump|rdmsr-list|-> [-o <snapshot>]   (MSRs the input lacks stay unknown)' },
  diff: { run: diff, usage: 'diff <a> <b> [--json]   (snapshot files or source specs)' },
  lsp: { run: lsp, usage: 'lsp [--stdio] [--source <spec>]   (the language server on stdio; hardware sources only from here)' },
};

const USAGE = [
  'usage: vmcs <command> [options]',
  ...Object.values(COMMANDS).map((c) => `  vmcs ${c.usage}`),
  `source spec: ${SOURCE_SPEC_HELP}`,
  `targets: ${TARGETS_HELP}`,
  'environment: VMCS_HVF_LIBRARY (framework binary), VMCS_PROBE_RUNTIME (entitled node for hvf), VMCS_PROBE_TIMEOUT_MS, VMCS_DEBUG=1',
].join('\n');

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  try {
    const { values, positionals } = (() => {
      try {
        return parseArgs({
          args: argv,
          allowPositionals: true,
          options: {
            json: { type: 'boolean', default: false },
            source: { type: 'string' },
            value: { type: 'string' },
            output: { type: 'string', short: 'o' },
            accessors: { type: 'string' },
            format: { type: 'string' },
            targets: { type: 'string' },
            stdio: { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false },
          },
        });
      } catch (e) {
        throw new UsageError((e as Error).message.split('\n')[0]);
      }
    })();
    const [name, ...args] = positionals;
    if (values.help || !name) {
      out(USAGE);
      return name || values.help ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await command.run({ args, options: { json: values.json, source: values.source, value: values.value, output: values.output, accessors: values.accessors, format: values.format, targets: values.targets }, out, err, env: process.env });
  } catch (e) {
    if (process.env.VMCS_DEBUG === '1') err(String((e as Error).stack));
    const message = (e as Error).message.replace(/\s*\n\s*/g, ' ');
    err(`vmcs: ${message}`);
    if (e instanceof UsageError || e instanceof SnapshotError || e instanceof SpecError || e instanceof StateError || e instanceof ImportError) return 2;
    return 1; // a failed query or source, or anything unexpected: still one line, never a stack trace
  }
}

if (require.main === module) {
  // A closed pipe (`vmcs masks | head`) ends the output quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2), (s) => process.stdout.write(s + '\n'), (s) => process.stderr.write(s + '\n')).then((code) => {
    process.exitCode = code;
  });
}
