// Internal invoice ids ("I-000042"): assigned once when a draft is first made, stable through
// finalization, independent of the (gapless) invoice number.
import type { Invoice } from './model';

const ID = /^I-(\d+)$/;

/** A generator of fresh ids above every id already in the ledger. */
export function invoiceIdSource(existing: Iterable<Pick<Invoice, 'invoiceId'>>): () => string {
  let max = 0;
  for (const inv of existing) {
    const m = ID.exec(inv.invoiceId);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return () => `I-${String(++max).padStart(6, '0')}`;
}

/** An invoice number or id as a file name part ("RE/2026 01" → "RE_2026_01"). */
export function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The file name (without extension) of a finalized invoice's documents: number and date. */
export function documentName(inv: Pick<Invoice, 'number' | 'invoiceDate' | 'invoiceId'>): string {
  const base = safeFileName(inv.number ?? inv.invoiceId);
  return inv.invoiceDate ? `${base}_${inv.invoiceDate}` : base;
}
