// Ledger verification: every finalized invoice still hashes to its stored hash, and the hashes
// form unbroken chains per number range whose heads match the NumberRanges counters.
import type { Dataset } from './dataset';
import { invoiceHash, type Sha256Hex } from './hash';

export interface VerifyProblem {
  invoiceId: string;
  number?: string;
  row: number;
  message: string;
}

export interface VerifyResult {
  checked: number;
  problems: VerifyProblem[];
}

export function verifyLedger(ds: Dataset, sha256: Sha256Hex): VerifyResult {
  const problems: VerifyProblem[] = [];
  const finals = ds.invoices.filter((r) => r.record.status !== 'Draft');
  const byHash = new Map(finals.filter((r) => r.record.hash).map((r) => [r.record.hash!, r]));
  const successor = new Map<string, string>();
  for (const r of finals) {
    const inv = r.record;
    const at = { invoiceId: inv.invoiceId, number: inv.number, row: r.row };
    if (!inv.hash) {
      problems.push({ ...at, message: 'finalized invoice has no hash' });
      continue;
    }
    const lines = (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record);
    if (invoiceHash({ invoice: inv, lines }, inv.previousHash ?? '', sha256) !== inv.hash) {
      problems.push({ ...at, message: 'content does not match its hash: the invoice or its lines were changed after finalization' });
    }
    const prev = inv.previousHash ?? '';
    if (prev) {
      if (!byHash.has(prev)) problems.push({ ...at, message: 'chain broken: the previous invoice of its number range is missing' });
      const other = successor.get(prev);
      if (other) problems.push({ ...at, message: `chain forked: invoice ${other} follows the same previous invoice` });
      successor.set(prev, inv.invoiceId);
    }
  }
  problems.sort((a, b) => a.row - b.row);
  for (const r of ds.numberRanges) {
    const head = r.record.lastHash;
    if (head && !byHash.has(head)) {
      problems.push({ invoiceId: '', number: r.record.lastNumber, row: r.row, message: `the last invoice of range ${r.record.range} (${r.record.lastNumber}) is missing from the ledger` });
    }
  }
  return { checked: finals.length, problems };
}
