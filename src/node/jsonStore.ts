// The local host's key-value store: a JSON file beside the workbook (<workbook>.state.json),
// rewritten atomically on every change.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files';
import type { KeyValuePort } from '../ports';

export class JsonFileStore implements KeyValuePort {
  private data: Record<string, string>;

  constructor(readonly path: string) {
    this.data = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {};
  }

  /** The store that belongs to a workbook file. */
  static beside(workbook: string): JsonFileStore {
    return new JsonFileStore(`${workbook}.state.json`);
  }

  get(key: string): string | undefined {
    return this.data[key];
  }

  set(key: string, value: string): void {
    this.data[key] = value;
    this.save();
  }

  delete(key: string): void {
    if (!(key in this.data)) return;
    delete this.data[key];
    this.save();
  }

  private save() {
    writeFileAtomic(this.path, JSON.stringify(this.data, null, 2) + '\n');
  }
}
