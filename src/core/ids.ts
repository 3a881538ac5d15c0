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

/** FNV-1a over the UTF-16 units of `s`, as 8 hex digits: tells apart two long values cut to the same start. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The longest file name part safeFileName makes (file systems allow 255 bytes per name; an extension and date follow). */
export const MAX_FILE_NAME_PART = 100;

/**
 * A ledger value (invoice number, id, tenant id, date) as one file name part that cannot name
 * another folder: "RE/2026 01" → "RE_2026_01" (only letters, digits, ".", "_" and "-" stay, so no
 * "/", "\\" or ":"); "", "." and ".." become "_", "_" and "__"; a part longer than
 * MAX_FILE_NAME_PART keeps its start and a hash of the whole value.
 */
export function safeFileName(s: string): string {
  const name = s.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (/^\.*$/.test(name)) return '_'.repeat(Math.max(1, name.length));
  return name.length > MAX_FILE_NAME_PART ? `${name.slice(0, MAX_FILE_NAME_PART - 9)}_${shortHash(s)}` : name;
}

/** The file name (without extension) of a finalized invoice's documents: number and date, both safe file name parts. */
export function documentName(inv: Pick<Invoice, 'number' | 'invoiceDate' | 'invoiceId'>): string {
  const base = safeFileName(inv.number ?? inv.invoiceId);
  return inv.invoiceDate ? `${base}_${safeFileName(inv.invoiceDate)}` : base;
}
