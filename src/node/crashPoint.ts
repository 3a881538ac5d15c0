// A test hook for the crash matrix: every place where the local host changes something outside
// the process (a file written or renamed, a mail handed to SMTP) calls writePoint first. With
// BILLING_CRASH_AT=n the n-th such point kills the process with SIGKILL (no cleanup, no finally),
// as a power cut or `kill -9` would; BILLING_CRASH_TRACE=<file> appends one line per point, so a
// test can count the points of a clean run and then crash at each. Without them it does nothing.
import { appendFileSync } from 'node:fs';

let count = 0;

export function writePoint(what: string): void {
  const trace = process.env.BILLING_CRASH_TRACE;
  const at = Number(process.env.BILLING_CRASH_AT ?? 0);
  if (!trace && !at) return;
  count++;
  if (trace) appendFileSync(trace, `${count} ${what}\n`);
  if (count === at) process.kill(process.pid, 'SIGKILL');
}
