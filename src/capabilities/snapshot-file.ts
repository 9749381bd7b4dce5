import { readFile } from 'node:fs/promises';
import { parseSnapshot, SnapshotError, type Snapshot } from '../core/caps/snapshot';
import { SourceError, type Availability, type CapabilitySource } from './source';

/** A snapshot file captured elsewhere (`*.vmcs.json`). */
export class SnapshotFileSource implements CapabilitySource {
  readonly id: string;
  readonly label: string;

  constructor(readonly path: string) {
    this.id = `snapshot:${path}`;
    this.label = `Snapshot ${path}`;
  }

  async availability(): Promise<Availability> {
    try {
      await readFile(this.path);
      return { available: true };
    } catch (e) {
      return { available: false, reason: `cannot read ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }

  async read(): Promise<Snapshot> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new SourceError(`${this.path}: cannot read the snapshot (${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message})`);
    }
    try {
      return parseSnapshot(text, this.path);
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SourceError(`${this.path}: ${(e as Error).message}`);
    }
  }
}
