// What the sidebar shows when it opens (src/app/sidebarState.ts): the workbook's drafts, runs waiting
// to continue, invoices waiting for documents or mail with exact totals per currency, uncertain
// deliveries, the trigger and the number locale, read in one call.
import { recordTrigger } from '../../src/app/access';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { runInvoicing } from '../../src/app/runInvoicing';
import { numberLocaleOf, sidebarState } from '../../src/app/sidebarState';
import type { Tenant } from '../../src/core/model';
import { DE_TENANT, account, item, ports, product, subscription } from '../support/fixtures';

const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
const CH_TENANT = { ...DE_TENANT, tenantId: 'CH', legalName: 'Alpen AG', country: 'CH', currency: 'CHF', language: 'en', vatId: 'CHE-123.456.789 MWST' };

/** Two German customers and one Swiss customer of the Swiss company, one product at 10.00 each. */
function workbook() {
  return ports({
    Settings: [DE_TENANT, CH_TENANT],
    Products: [product('P1', '10.00')],
    Accounts: [account('A1'), account('A2', { name: 'Zweite GmbH' }), account('A3', { country: 'CH', tenantId: 'CH', currency: 'CHF' })],
    Contacts: ['A1', 'A2', 'A3'].map((id) => ({ contactId: `C-${id}`, accountId: id, email: `${id.toLowerCase()}@kunde.example`, role: 'invoice' })),
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
  });
}

describe('sidebarState: the workbook as the sidebar opens on it', () => {
  it('lists every draft with the run that made it, and finalized invoices waiting for documents and mail with exact totals per currency and their companies', () => {
    const p = workbook();
    runInvoicing(p, NOV);
    const done = finalizeInvoices(p, { invoiceIds: ['I-000001', 'I-000003'] });
    expect(done.failed).toEqual([]);
    const s = sidebarState(p);
    expect(s.drafts.map((d) => [d.invoiceId, d.runId, d.buyerName, d.currency, d.payable])).toEqual([['I-000002', 'R-000001', 'Zweite GmbH', 'EUR', '11.90']]);
    const swiss = done.invoices.find((i) => i.tenantId === 'CH')!;
    const totals = [
      { currency: 'EUR', amount: '11.90' },
      { currency: 'CHF', amount: swiss.payable },
    ];
    expect(s.delivery.documents).toEqual({ count: 2, tenants: ['Muster GmbH', 'Alpen AG'], totals });
    expect(s.delivery.mail).toEqual({ count: 2, tenants: ['Muster GmbH', 'Alpen AG'], totals });
    expect([s.delivery.uncertain, s.waitingRuns, s.unfinishedRunId]).toEqual([[], [], undefined]);
  });

  it('names a delivery in doubt (mail handed over, no answer) and leaves it out of the mail Send would do', () => {
    const p = workbook();
    runInvoicing(p, NOV);
    finalizeInvoices(p, {});
    p.tables.apply('Invoices', { update: [{ row: 2, values: { delivery: 'sending' } }] });
    const s = sidebarState(p);
    expect(s.delivery.uncertain.map((u) => u.number)).toEqual(['INV-2026-00001']);
    expect(s.delivery.mail.count).toBe(2);
  });

  it('offers a run cut at its checkpoint to continue, with its period and the drafts it made so far', () => {
    const p = workbook();
    const cut = runInvoicing(p, NOV, { maxGroups: 1 });
    expect(cut.done).toBe(false);
    const s = sidebarState(p);
    expect(s.waitingRuns).toEqual([{ runId: 'R-000001', periodStart: '2026-11-01', periodEnd: '2026-11-30', drafts: 1 }]);
    expect(s.unfinishedRunId).toBe('R-000001');
  });

  it('says whether the hourly trigger is on, and who the billing admins are', () => {
    const p = workbook();
    expect([sidebarState(p).trigger, sidebarState(p).admins]).toEqual([null, []]);
    recordTrigger(p, 'boss@example.com');
    expect(sidebarState(p).trigger).toEqual({ owner: 'boss@example.com' });
  });

  it("writes amounts in the first company's Number Locale, else in its language's (English 1,234.50; German and French 1.234,50)", () => {
    const t = (extra: Partial<Tenant>) => ({ ...DE_TENANT, ...extra }) as unknown as Tenant;
    expect([
      numberLocaleOf(t({ locale: 'en', language: 'de' }), 'de'),
      numberLocaleOf(t({ language: 'en' }), 'de'),
      numberLocaleOf(t({ language: 'fr' }), 'en'),
      numberLocaleOf(t({ language: undefined }), 'en'),
      numberLocaleOf(undefined, 'de'),
    ]).toEqual(['en', 'en', 'de', 'en', 'de']);
    expect(sidebarState(workbook()).numberLocale).toBe('de');
  });
});
