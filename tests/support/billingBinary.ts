// The `billing` command as a user runs it: bin/billing.mjs (the built lib/billing-cli.cjs) in its
// own process, with a fixed clock. The hosts lane builds the CLI before its tests run.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '../../bin/billing.mjs');

export interface BillingResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `billing <args>` and resolves with its exit code, stdout and stderr (never rejects on a non-zero exit). */
export function billingBinary(args: string[], now = '2026-12-02T10:00:00Z'): Promise<BillingResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, BILLING_NOW: now }, cwd: tmpdir(), maxBuffer: 64 << 20 }, (error, out, err) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out, err });
    });
  });
}
