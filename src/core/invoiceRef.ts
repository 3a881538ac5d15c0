// Finding an invoice by what a user types: its internal Invoice ID, or its number. Numbers are
// unique within a tenant's range, not across tenants, so a number two tenants share is refused
// with the tenants named instead of picking one.
import { BillingError } from './errors';

interface Referable {
  invoiceId: string;
  number?: string;
  tenantId: string;
}

/** The one item whose invoice (via `of`) has this id or, failing that, this number. */
export function byInvoiceRef<T>(items: readonly T[], ref: string, of: (item: T) => Referable): T {
  const key = String(ref).trim();
  const byId = items.find((x) => of(x).invoiceId === key);
  if (byId) return byId;
  const byNumber = items.filter((x) => of(x).number === key);
  if (byNumber.length > 1) throw new BillingError(`number ${key} exists in tenants ${byNumber.map((x) => of(x).tenantId).join(' and ')}: use the Invoice ID`, { code: 'ambiguous', ref: key });
  if (!byNumber.length) throw new BillingError(`invoice ${key} does not exist`, { code: 'not-found', ref: key });
  return byNumber[0];
}

/** Each ref resolved by byInvoiceRef, each item once, in the order of the refs. */
export function byInvoiceRefs<T>(items: readonly T[], refs: readonly string[], of: (item: T) => Referable): T[] {
  return [...new Set(refs.map((r) => byInvoiceRef(items, r, of)))];
}
