// Hovers on exit-reason and VM-instruction-error constants (bundled with the VM-entry checks, loaded on first use).
import { exitReasonName, instructionError } from '../decode/decode';
import type { ExitConstant } from '../decode/constants';
import { hex } from '../catalogue/hex';
import { esc } from './markdown';

/** Hover on an exit-reason or VM-instruction-error constant: its number, the SDM's name, what it tells. */
export function exitConstantMarkdown(name: string, c: ExitConstant): string {
  const reason = c.kind === 'exit-reason' ? exitReasonName(c.number) : undefined;
  const error = c.kind === 'instruction-error' ? instructionError(c.number) : undefined;
  const out = [`### \`${name}\` = ${c.number}`, '', c.kind === 'exit-reason' ? `**Basic exit reason ${c.number}:** ${esc(reason ?? 'not an exit reason the SDM defines')}` : `**VM-instruction error ${c.number}:** ${esc(error?.name ?? 'not an error number the SDM defines')}`, ''];
  if (c.kind === 'exit-reason' && (c.number === 33 || c.number === 34)) out.push(`A VM-entry failure: the exit-reason field reads ${hex(BigInt(0x80000000 + c.number))} (bit 31 set). Run the VM-entry checks on the state (\`vmcs check\`).`, '');
  if (error?.hint) out.push(esc(error.hint), '');
  if (c.aliases.length) out.push(`Also: ${c.aliases.map((a) => `\`${a.name}\` (${a.scheme})`).join(', ')}`);
  return out.join('\n');
}
