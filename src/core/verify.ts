// Ledger verification: every finalized invoice still hashes to its stored hash, and the hashes
// form unbroken chains per number range whose heads match the NumberRanges counters.
import type { Dataset } from './dataset';
import { invoiceHash, type Sha256Hex } from './hash';
import { moneyByInvoice } from './receivables/balances';
import { BILLED_TYPES } from './receivables/posting';

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

/**
 * The money: every finalized invoice is posted to Balances, the sum of its rows is the Open Amount
 * the Invoices sheet shows, and every row names an invoice and a row it reverses that exist; a
 * row is reversed at most once, and a write-off, Skonto or fee names its invoice, a refund none.
 */
export function verifyBalances(ds: Dataset): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const money = moneyByInvoice(ds.balances.map((b) => b.record));
  const posted = new Set(ds.balances.filter((b) => b.record.kind === 'invoice').map((b) => b.record.invoiceId));
  for (const { row, record: inv } of ds.invoices) {
    if (!BILLED_TYPES.has(inv.type) || inv.status === 'Draft' || !inv.number) continue;
    const at = { invoiceId: inv.invoiceId, number: inv.number, row };
    if (!posted.has(inv.invoiceId)) {
      problems.push({ ...at, message: 'not posted to Balances (the next billing or payments action posts it)' });
      continue;
    }
    const open = money.get(inv.invoiceId)?.open;
    if (open && inv.openAmount && !open.eq(inv.openAmount)) {
      problems.push({ ...at, message: `Open Amount ${inv.openAmount.toFixed(2)} differs from its Balances rows, which add up to ${open.toFixed(2)}` });
    }
  }
  const ids = new Set(ds.invoices.map((r) => r.record.invoiceId));
  const balanceIds = new Set(ds.balances.map((b) => b.record.balanceId));
  const reversedBy = new Map<string, string>();
  for (const { row, record: b } of ds.balances) {
    const at = { invoiceId: b.invoiceId ?? '', number: b.number, row };
    if (b.invoiceId && !ids.has(b.invoiceId)) problems.push({ ...at, message: `Balances row ${row} (${b.balanceId}) names invoice ${b.invoiceId}, which is not in Invoices` });
    if (b.reverses && !balanceIds.has(b.reverses)) problems.push({ ...at, message: `Balances row ${row} (${b.balanceId}) reverses ${b.reverses}, which is not in Balances` });
    // A row is undone once: a second reversal (of a write-off, a fee…) would count the undo twice.
    const first = b.reverses && reversedBy.get(b.reverses);
    if (first) problems.push({ ...at, message: `Balances row ${row} (${b.balanceId}) reverses ${b.reverses}, which ${first} reversed already` });
    else if (b.reverses) reversedBy.set(b.reverses, b.balanceId);
    const onInvoice = b.kind === 'write_off' || b.kind === 'skonto' || b.kind === 'fee';
    if ((onInvoice && !b.invoiceId) || (b.kind === 'refund' && b.invoiceId))
      problems.push({ ...at, message: `Balances row ${row} (${b.balanceId}): a ${b.kind.replace('_', '-')} is booked ${onInvoice ? 'on an invoice' : 'on the account, not an invoice'}` });
  }
  return problems;
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
  problems.push(...verifyBalances(ds));
  return { checked: finals.length, problems };
}
