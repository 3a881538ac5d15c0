// A lock file beside the workbook, so two CLI runs never write the same workbook at once.
import { openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    const [pid, since] = readFileSync(lock, 'utf8').split(' ');
    if (alive(Number(pid))) throw new Error(`the workbook is in use by process ${pid} since ${since} (lock file ${lock})`);
    unlinkSync(lock); // left behind by a process that died
    fd = openSync(lock, 'wx');
  }
  writeSync(fd, `${process.pid} ${new Date().toISOString()}`);
  closeSync(fd);
  try {
    return await fn();
  } finally {
    unlinkSync(lock);
  }
}
