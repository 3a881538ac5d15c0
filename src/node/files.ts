// File helpers of the local host: atomic, durable writes, and the temporary files a killed
// process leaves behind.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writePoint } from './crashPoint';

/** `.<name>.billing-tmp-<pid>`: hidden, beside its file (a rename never crosses file systems). */
const TEMP = /^\.(.+)\.billing-tmp-(\d+)$/;
/** What earlier versions left: `<name>.tmp-<pid>`, for the kinds of files they wrote. */
const OLD_TEMP = /^(.+\.(?:xlsx|json|pdf|xml|eml))\.tmp-(\d+)$/;

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.billing-tmp-${process.pid}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
  }
}

/**
 * Removes the temporary files of processes that died while saving (killed, power cut), in a
 * folder, or only those of one file name. A live process's temporary file is left alone.
 */
export function removeStaleTemps(dir: string, name?: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = TEMP.exec(entry) ?? OLD_TEMP.exec(entry);
    if (!m || (name !== undefined && m[1] !== name)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      unlinkSync(join(dir, entry));
    } catch {
      // Removed by another process meanwhile, or not ours to remove: it does no harm.
    }
  }
}

/** Flushes a rename to disk: without it a power cut can bring the old directory entry back. */
export function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return; // a directory cannot be opened for fsync there
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (e) {
    // Some file systems (network shares, FUSE) cannot sync a directory; the rename is done.
    if (!['EINVAL', 'ENOTSUP', 'EPERM', 'EISDIR', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a temporary file, flushes it to disk, renames it over the file and flushes the folder:
 * readers never see a half-written file, and after a crash or power cut the file is either the
 * old one or the new one, whole. `what` names the crash points (see crashPoint.ts).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, what = `write ${basename(path)}`): void {
  removeStaleTemps(dirname(path), basename(path));
  const tmp = tempPathFor(path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writePoint(`${what}: temp file`);
  let fd: number | undefined = openSync(tmp, 'w');
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    writePoint(`${what}: rename`);
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw e;
  }
  syncDirectory(dirname(path));
}
