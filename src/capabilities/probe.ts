// The probe process: runs one native capture and prints one JSON line, { ok: true, snapshot } or { ok: false, error }.
// Started by probe-runner.ts with node or an editor's runtime; never loaded into the extension host.
import { parseArgs } from 'node:util';
import { serializeSnapshot, type Snapshot } from '../core/caps/snapshot';
import { HVF_FRAMEWORK } from './hvf';
import { KVM_DEVICE } from './kvm';
import { captureHvf } from './native/hvf-capture';
import { captureKvm } from './native/kvm-capture';

const CAPTURES: Record<string, (o: { library?: string; device?: string }) => Snapshot> = {
  hvf: (o) => captureHvf(o.library ?? HVF_FRAMEWORK),
  kvm: (o) => captureKvm(o.device ?? KVM_DEVICE),
};

function answer(message: object): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

try {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { library: { type: 'string' }, device: { type: 'string' } } });
  const capture = CAPTURES[positionals[0]];
  if (!capture) throw new Error(`unknown probe kind ${JSON.stringify(positionals[0])} (expected ${Object.keys(CAPTURES).join(' or ')})`);
  answer({ ok: true, snapshot: JSON.parse(serializeSnapshot(capture(values))) });
} catch (e) {
  answer({ ok: false, error: (e as Error).message.split('\n')[0] });
  process.exitCode = 1;
}
