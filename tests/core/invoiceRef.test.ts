// One rule for finding an invoice by what a user types (id or number), used by the ledger, the
// delivery use cases and the hosts.
import { byInvoiceRef, byInvoiceRefs } from '../../src/core/invoiceRef';

const inv = (invoiceId: string, number: string | undefined, tenantId: string) => ({ invoiceId, number, tenantId });
const all = [inv('I-1', 'RE-2026-00001', 'DE'), inv('I-2', '2026-0001', 'DE'), inv('I-3', '2026-0001', 'CH'), inv('I-4', undefined, 'DE'), inv('RE-2026-00001', undefined, 'CH')];
const id = (x: { invoiceId: string }) => x.invoiceId;

describe('an invoice by reference', () => {
  it('an Invoice ID wins over a number that looks the same; a number unique across tenants finds its invoice', () => {
    expect(id(byInvoiceRef(all, 'RE-2026-00001', (x) => x))).toBe('RE-2026-00001');
    expect(id(byInvoiceRef(all, 'I-4', (x) => x))).toBe('I-4');
    expect(id(byInvoiceRef([all[0], all[1]], ' 2026-0001 ', (x) => x))).toBe('I-2');
  });

  it('a number two tenants share is refused with the tenants named; an unknown reference is refused', () => {
    expect(() => byInvoiceRef(all, '2026-0001', (x) => x)).toThrow('number 2026-0001 exists in tenants DE and CH: use the Invoice ID');
    expect(() => byInvoiceRef(all, 'RE-9', (x) => x)).toThrow('invoice RE-9 does not exist');
  });

  it('several references give each invoice once, in the order asked', () => {
    expect(byInvoiceRefs(all, ['I-3', 'I-1', 'I-3'], (x) => x).map(id)).toEqual(['I-3', 'I-1']);
  });
});
