// File helpers of the local host.
import { renameSync, writeFileSync } from 'node:fs';

/** Write a temporary file, then rename: readers never see a half-written file. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
