// The sidebar's read-only ledger checks on the built bundle (dist/Code.js in node:vm on the fakes):
// creditableInvoice (what may be credited, before the cancel/credit confirmation), manualInvoiceForm
// and previewManualInvoice (a manual invoice computed without writing), and who may call them.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf, seedCustomers } from '../support/gasHarness';
import { acrossScriptRun } from '../support/scriptRun';

const DEC_1 = Date.parse('2026-12-01T08:00:00Z');
const OWNER = 'owner@example.com';
const CLERK = 'clerk@example.com';
const VIEWER = 'viewer@example.com';
const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' };

/**
 * Two customers billed for November and finalized: INV-2026-00001 (A0: Plan 49.00 at 19 %, Fachbuch
 * 12.50 at 7 %) and INV-2026-00002 (A1: 2 × Plan, Fachbuch). The owner is the only billing admin.
 */
function workbook(locale = 'de_DE') {
  const ss = new FakeSpreadsheet('Europe/Berlin', locale, { startMs: DEC_1 });
  ss.owner = OWNER;
  ss.share(CLERK, 'edit').share(VIEWER, 'view');
  seedCustomers(ss, 2, { billingAdmins: OWNER });
  const owner = addOn(ss, OWNER);
  owner.exec('setupBillingSheets');
  owner.exec('runInvoicing', NOV);
  expect(owner.exec('finalizeInvoices', {}).invoices.map((i: { number: string }) => i.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
  return ss;
}

/** One google.script.run call as `user`: its own execution, the result as the browser gets it. */
const call = (ss: FakeSpreadsheet, user: string, fn: string, ...args: unknown[]): any => acrossScriptRun(addOn(ss, user).exec(fn, ...args));
const snapshot = (ss: FakeSpreadsheet) => JSON.stringify({ sheets: [...ss.sheets].map(([n, s]) => [n, s.cells]), props: [...ss.properties].filter(([k]) => k !== 'billing.lockHolder') });
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no refusal';
};

describe('creditableInvoice: what may be credited, before the confirmation', () => {
  it('finds an invoice by its number and lists its lines with what each may still be credited, writing nothing', () => {
    const ss = workbook();
    const before = snapshot(ss);
    const c = call(ss, OWNER, 'creditableInvoice', ' INV-2026-00001 ');
    expect(snapshot(ss)).toBe(before);
    expect(c).toEqual({
      invoiceId: 'I-000001',
      number: 'INV-2026-00001',
      type: 'invoice',
      invoiceDate: '2026-11-30',
      accountId: 'A0',
      customer: 'Kunde 0',
      currency: 'EUR',
      net: '61.50',
      gross: '71.69',
      payable: '71.69',
      credited: '0.00',
      creditNotes: [],
      open: '61.50',
      canCancel: true,
      canCredit: true,
      lines: [
        expect.objectContaining({ lineNo: 1, net: '49.00', taxCategory: 'S', taxRate: '19', remaining: '49.00' }),
        expect.objectContaining({ lineNo: 2, net: '12.50', taxCategory: 'S', taxRate: '7', remaining: '12.50' }),
      ],
      numberLocale: 'de',
    });
    // The internal id finds it too.
    expect(call(ss, OWNER, 'creditableInvoice', 'I-000002').number).toBe('INV-2026-00002');
  });

  it('after a partial credit says what was credited on which credit note and what is left, and no longer offers cancelling', () => {
    const ss = workbook();
    call(ss, OWNER, 'creditInvoice', { invoiceId: 'INV-2026-00002', amount: '10.00', reason: 'goodwill' });
    const c = call(ss, OWNER, 'creditableInvoice', 'INV-2026-00002');
    expect([c.net, c.credited, c.creditNotes, c.open, c.canCancel]).toEqual(['110.50', '10.00', ['CN-2026-00001'], '100.50', false]);
    // The 10.00 was spread over both rates: neither whole line fits what is left at its rate any more
    // (the engine's own refusal, asked in memory), while an amount still may be credited.
    expect(c.lines.map((l: { remaining: string; why?: string }) => [l.remaining, l.why])).toEqual([
      ['0.00', 'less is left at S 19 % than this line: credit an amount instead'],
      ['0.00', 'less is left at S 7 % than this line: credit an amount instead'],
    ]);
    // Once everything is credited, nothing is left.
    call(ss, OWNER, 'creditInvoice', { invoiceId: 'INV-2026-00002', amount: '100.50' });
    const all = call(ss, OWNER, 'creditableInvoice', 'INV-2026-00002');
    expect([all.credited, all.open, all.lines.map((l: { why?: string }) => l.why)]).toEqual(['110.50', '0.00', ['nothing is left to credit', 'nothing is left to credit']]);
  });

  it('a line credited on its own is no longer creditable and names its credit note', () => {
    const ss = workbook();
    call(ss, OWNER, 'creditInvoice', { invoiceId: 'INV-2026-00001', lines: [2] });
    const c = call(ss, OWNER, 'creditableInvoice', 'INV-2026-00001');
    expect(c.lines.map((l: { remaining: string; creditedOn?: string }) => [l.remaining, l.creditedOn ?? ''])).toEqual([
      ['49.00', ''],
      ['0.00', 'CN-2026-00001'],
    ]);
    expect([c.credited, c.open]).toEqual(['12.50', '49.00']);
  });

  it('refuses an unknown number, a credit note, a draft and a cancelled invoice in plain words', () => {
    const ss = workbook();
    const owner = addOn(ss, OWNER);
    expect(refusal(() => owner.exec('creditableInvoice', 'INV-2026-09999'))).toBe('invoice INV-2026-09999 does not exist');
    expect(refusal(() => owner.exec('creditableInvoice', ''))).toBe('enter the number of the invoice to cancel or credit');
    owner.exec('cancelInvoice', { invoiceId: 'INV-2026-00001' });
    expect(refusal(() => owner.exec('creditableInvoice', 'INV-2026-00001'))).toBe('invoice INV-2026-00001 is already cancelled');
    expect(refusal(() => owner.exec('creditableInvoice', 'CN-2026-00001'))).toBe('CN-2026-00001 is a credit note; a credit note cannot be cancelled or credited');
    const draft = owner.exec('createManualInvoice', { accountId: 'A0', lines: [{ description: 'Extra', quantity: '1', unitPrice: '5' }] });
    expect(refusal(() => owner.exec('creditableInvoice', draft.invoiceId))).toBe(`${draft.invoiceId} is a draft: delete or re-run it instead of crediting`);
  });

  it('tells the number locale the sheet writes: de for a German spreadsheet, en for a US one', () => {
    expect(call(workbook('en_US'), OWNER, 'creditableInvoice', 'INV-2026-00001').numberLocale).toBe('en');
  });
});

describe('manual and pro-forma invoices through the server', () => {
  const twoLines = {
    accountId: 'A1',
    lines: [
      { productId: 'P2', description: '', quantity: '2', unitPrice: '12.50' },
      { description: 'Workshop', quantity: '1.5', unitPrice: '800', taxClass: 'standard', serviceStart: '2026-11-10', serviceEnd: '2026-11-11' },
    ],
  };

  it('the form offers the active accounts and products, the tax classes of TaxRules and the locale', () => {
    const f = call(workbook(), OWNER, 'manualInvoiceForm');
    expect(f.accounts).toEqual([
      { accountId: 'A0', name: 'Kunde 0', currency: 'EUR' },
      { accountId: 'A1', name: 'Kunde 1', currency: 'EUR' },
    ]);
    expect(f.products.map((p: { productId: string; price: string; taxClass: string }) => [p.productId, p.price, p.taxClass])).toEqual([
      ['P1', '49', 'standard'],
      ['P2', '12.5', 'reduced'],
    ]);
    expect([f.taxClasses, f.today, f.numberLocale]).toEqual([['reduced', 'standard'], '2026-12-01', 'de']);
  });

  it("previews a product line and a free-text line with the engine's totals and tax per rate, writing nothing", () => {
    const ss = workbook();
    const before = snapshot(ss);
    const p = call(ss, OWNER, 'previewManualInvoice', twoLines);
    expect(snapshot(ss)).toBe(before);
    // 2 × 12.50 = 25.00 at 7 % (the product's class) + 1.5 × 800 = 1200.00 at 19 % → tax 1.75 + 228.00.
    expect(p.lines.map((l: Record<string, string>) => [l.description, l.quantity, l.unitPrice, l.net, `${l.taxCategory} ${l.taxRate}`, l.serviceStart ?? '', l.serviceEnd ?? ''])).toEqual([
      ['Fachbuch', '2', '12.5', '25.00', 'S 7', '', ''],
      ['Workshop', '1.5', '800', '1200.00', 'S 19', '2026-11-10', '2026-11-11'],
    ]);
    expect(p.taxes).toEqual([
      { category: 'S', rate: '7', taxable: '25.00', tax: '1.75' },
      { category: 'S', rate: '19', taxable: '1200.00', tax: '228.00' },
    ]);
    expect([p.invoice.type, p.invoice.status, p.invoice.buyerName, p.invoice.net, p.invoice.tax, p.invoice.payable]).toEqual(['invoice', 'Draft', 'Kunde 1', '1225.00', '229.75', '1454.75']);
    // Saving gives the same totals the preview showed.
    const saved = call(ss, OWNER, 'createManualInvoice', twoLines);
    expect([saved.status, saved.net, saved.tax, saved.payable]).toEqual(['Draft', '1225.00', '229.75', '1454.75']);
  });

  it('names the line and the field of a bad entry, in the preview and when saving', () => {
    const ss = workbook();
    const owner = addOn(ss, OWNER);
    const withLine2 = (l: Record<string, string>) => ({ ...twoLines, lines: [twoLines.lines[0], { ...twoLines.lines[1], ...l }] });
    for (const fn of ['previewManualInvoice', 'createManualInvoice']) {
      expect(refusal(() => owner.exec(fn, withLine2({ unitPrice: '8x0' })))).toBe('line 2: unit price "8x0" is not a number');
      expect(refusal(() => owner.exec(fn, withLine2({ quantity: '' })))).toBe('line 2: quantity "" is not a number');
      expect(refusal(() => owner.exec(fn, withLine2({ description: '' })))).toBe('line 2: description is empty (choose a product or type a text)');
      expect(refusal(() => owner.exec(fn, withLine2({ serviceEnd: '2026-11-01' })))).toBe('line 2: service end 2026-11-01 is before service start 2026-11-10');
      expect(refusal(() => owner.exec(fn, withLine2({ taxClass: 'luxury' })))).toMatch(/^line 2: tax class "luxury": no tax rule/);
      expect(refusal(() => owner.exec(fn, { ...twoLines, accountId: 'NOPE' }))).toBe('account "NOPE" does not exist');
    }
    expect(rowsOf(ss, 'Invoices')).toHaveLength(2);
  });

  it('a pro-forma is saved as a draft and numbered from the pro-forma range only: the invoice range stays gapless', () => {
    const ss = workbook();
    const pf = call(ss, OWNER, 'createManualInvoice', { ...twoLines, type: 'pro_forma' });
    expect([pf.type, pf.status, pf.number ?? '']).toEqual(['pro_forma', 'Draft', '']);
    const manual = call(ss, OWNER, 'createManualInvoice', twoLines);
    const numbers = call(ss, OWNER, 'finalizeInvoices', { invoiceIds: [pf.invoiceId, manual.invoiceId] }).invoices.map((i: { number: string }) => i.number);
    expect(numbers).toEqual(['PF-2026-00001', 'INV-2026-00003']);
    expect(rowsOf(ss, 'NumberRanges').map((r) => [r.Range, r['Last Number']])).toEqual([
      ['DE/invoice/*', 'INV-2026-00003'],
      ['DE/pro_forma/*', 'PF-2026-00001'],
    ]);
  });
});

describe('who may check, preview and save', () => {
  it('an editor who is not a billing admin gets the clear refusal for the credit check, the preview and saving; a viewer too; nothing is written', () => {
    const ss = workbook();
    const before = snapshot(ss);
    const manual = { accountId: 'A0', lines: [{ description: 'Extra', quantity: '1', unitPrice: '5' }] };
    const clerk = addOn(ss, CLERK);
    expect(refusal(() => clerk.exec('creditableInvoice', 'INV-2026-00001'))).toBe(`Only the billing admins named in Settings (${OWNER}) may cancel or credit invoices; you are signed in as ${CLERK}.`);
    expect(refusal(() => clerk.exec('previewManualInvoice', manual))).toBe(`Only the billing admins named in Settings (${OWNER}) may create invoices by hand; you are signed in as ${CLERK}.`);
    expect(refusal(() => clerk.exec('createManualInvoice', manual))).toBe(`Only the billing admins named in Settings (${OWNER}) may create invoices by hand; you are signed in as ${CLERK}.`);
    const viewer = addOn(ss, VIEWER);
    expect(refusal(() => viewer.exec('creditableInvoice', 'INV-2026-00001'))).toBe('You can view this spreadsheet but not edit it, so you cannot cancel or credit invoices.');
    expect(refusal(() => viewer.exec('previewManualInvoice', manual))).toBe('You can view this spreadsheet but not edit it, so you cannot create invoices by hand.');
    expect(snapshot(ss)).toBe(before);
  });
});
