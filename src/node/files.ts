// File helpers of the local host.
import { renameSync, writeFileSync } from 'node:fs';

/** Write a temporary file, then rename: readers never see a half-written file. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** An invoice number or id as a file name part ("RE/2026 01" → "RE_2026_01"). */
export function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}
