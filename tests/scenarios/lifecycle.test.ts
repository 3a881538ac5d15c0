// Drafts, re-runs, finalization, cancellation, credit notes, manual and pro-forma invoices.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, createManualInvoice, creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { DEC, NOV, account, amt, cell, edit, invoiceRow, invoices, item, linesOf, ports, product, subscription, table, totalsOf, threeCustomers } from './helpers';

const basic = () =>
  ports({
    Accounts: [account('A1'), account('A2')],
    Products: [product('P1', '100.00'), product('P2', '50.00', { taxClass: 'reduced' })],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
    Items: [item('I1', 'S1', 'P1', { quantity: 2 }), item('I2', 'S1', 'P2'), item('I3', 'S2', 'P1')],
  });

describe('lifecycle', () => {
  it('15 re-run updates drafts', () => {
    const p = basic();
    const first = runInvoicing(p, NOV);
    expect(first.drafts.map((d) => [d.invoiceId, d.subscriptionId, d.net])).toEqual([
      ['I-000001', 'S1', '250.00'],
      ['I-000002', 'S2', '100.00'],
    ]);
    expect(invoiceRow(p, 'I-000001')['Draft Key']).toBe('S:S1:2026-11-01..2026-11-30');
    // The customer orders a third unit.
    edit(p, 'Items', 'Item ID', 'I1', { Quantity: 3 });
    const second = runInvoicing(p, NOV);
    expect(second.drafts.map((d) => [d.invoiceId, d.net])).toEqual([
      ['I-000001', '350.00'],
      ['I-000002', '100.00'],
    ]);
    // Still exactly one draft per key, and the lines were replaced, not added.
    expect(invoices(p).map((i) => [i['Invoice ID'], i['Status'], i['Run ID']])).toEqual([
      ['I-000001', 'Draft', 'R-000002'],
      ['I-000002', 'Draft', 'R-000002'],
    ]);
    expect(linesOf(p, 'I-000001').map((l) => [l['Line'], String(l['Quantity']), amt(l['Net'])])).toEqual([
      [1, '3', '300.00'],
      [2, '1', '50.00'],
    ]);
    // 300.00 × 19% = 57.00; 50.00 × 7% = 3.50; gross 410.50
    expect(totalsOf(p, 'I-000001')).toEqual(['350.00', '60.50', '410.50', '0.00', '410.50']);
    expect(table(p, 'InvoiceLines')).toHaveLength(3);
    // S2 is cancelled: its stale draft is removed on the next run.
    edit(p, 'Subscriptions', 'Subscription ID', 'S2', { Status: 'Cancelled' });
    const third = runInvoicing(p, NOV);
    expect(third.removed).toEqual(['I-000002']);
    expect(invoices(p).map((i) => i['Invoice ID'])).toEqual(['I-000001']);
    expect(linesOf(p, 'I-000002')).toEqual([]);
    expect(finalizeInvoices(p).invoices.map((i) => [i.invoiceId, i.number])).toEqual([['I-000001', 'INV-2026-00001']]);
  });

  it('a stale draft of a subscription whose account became inactive or that was paused is removed', () => {
    const p = basic();
    runInvoicing(p, NOV);
    edit(p, 'Accounts', 'Account ID', 'A2', { Status: 'Inactive' });
    expect(runInvoicing(p, NOV).removed).toEqual(['I-000002']);
    expect(invoices(p).map((i) => i['Invoice ID'])).toEqual(['I-000001']);
    // A run of another period or another tenant leaves this period's drafts alone.
    edit(p, 'Subscriptions', 'Subscription ID', 'S1', { Status: 'Paused' });
    expect(runInvoicing(p, DEC).removed).toEqual([]);
    expect(runInvoicing(p, { ...NOV, tenantId: 'XX' }).removed).toEqual([]);
    expect(invoices(p).map((i) => i['Invoice ID'])).toEqual(['I-000001']);
    expect(runInvoicing(p, NOV).removed).toEqual(['I-000001']);
    expect(invoices(p)).toEqual([]);
  });

  it('16 cancel + re-bill', () => {
    const p = basic();
    runInvoicing(p, NOV);
    const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(fin.invoices.map((i) => [i.number, i.net, i.tax, i.gross])).toEqual([
      // S1: 200.00 + 50.00 = 250.00; tax 38.00 + 3.50 = 41.50; S2: 100.00 + 19.00
      ['INV-2026-00001', '250.00', '41.50', '291.50'],
      ['INV-2026-00002', '100.00', '19.00', '119.00'],
    ]);
    expect(cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')).toBe('2026-11-30');

    const res = cancelInvoice(p, { invoiceId: 'I-000001', reason: 'wrong quantity' });
    expect(res.failed).toEqual([]);
    const cn = res.invoices.find((i) => i.type === 'credit_note')!;
    expect([cn.number, cn.status, cn.net, cn.tax, cn.gross, cn.payable]).toEqual(['CN-2026-00001', 'Open', '-250.00', '-41.50', '-291.50', '-291.50']);
    const cnRow = invoiceRow(p, cn.invoiceId);
    expect([cnRow['Original Invoice ID'], cnRow['Original Number'], cnRow['Type'], cnRow['Tax Summary']]).toEqual([
      'I-000001',
      'INV-2026-00001',
      'credit_note',
      'S 7%: -50.00 → -3.50; S 19%: -200.00 → -38.00',
    ]);
    expect(linesOf(p, cn.invoiceId).map((l) => [l['Kind'], l['Item ID'], String(l['Quantity']), amt(l['Net'])])).toEqual([
      ['credit', 'I1', '-2', '-200.00'],
      ['credit', 'I2', '-1', '-50.00'],
    ]);
    const orig = invoiceRow(p, 'I-000001');
    expect([orig['Status'], orig['Credit Notes'], orig['Number']]).toEqual(['Cancelled', 'CN-2026-00001', 'INV-2026-00001']);
    // Billed-until goes back to the day before the cancelled service.
    expect(cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')).toBe('2026-10-31');
    expect(cell(p, 'Items', 'Item ID', 'I3', 'Billed Until')).toBe('2026-11-30');

    // The next run bills November again, for S1 only.
    const again = runInvoicing(p, NOV);
    expect(again.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([['S1', '250.00']]);
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).invoices.map((i) => i.number)).toEqual(['INV-2026-00003']);

    // A credit note cannot be cancelled or credited, nor can an invoice be cancelled twice.
    expect(() => cancelInvoice(p, { invoiceId: cn.invoiceId })).toThrow('CN-2026-00001 is a credit note; a credit note cannot be cancelled or credited');
    expect(() => creditInvoice(p, { invoiceId: cn.invoiceId, amount: '1' })).toThrow('a credit note cannot be cancelled or credited');
    expect(() => cancelInvoice(p, { invoiceId: 'I-000001' })).toThrow('invoice INV-2026-00001 is already cancelled');
    expect(verifyLedger(p).problems).toEqual([]);
  });

  it('17 partial credit of chosen lines and of an amount', () => {
    const p = basic();
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    // INV-2026-00001: line 1 P1 2 × 100.00 = 200.00 at 19%, line 2 P2 50.00 at 7%.
    // An amount is spread over the rates by net: 30 × 200/250 = 24.00 at 19% (tax 4.56), 30 × 50/250 = 6.00 at 7% (0.42)
    const c1 = creditInvoice(p, { invoiceId: 'I-000001', amount: '30' }).invoices.find((i) => i.type === 'credit_note')!;
    expect([c1.number, c1.net, c1.tax, c1.gross]).toEqual(['CN-2026-00001', '-30.00', '-4.98', '-34.98']);
    expect(linesOf(p, c1.invoiceId).map((l) => [l['Description'], l['Tax Category'], String(l['Tax Rate']), amt(l['Net'])])).toEqual([
      ['Korrektur zur Rechnung INV-2026-00001 (USt. 7 %)', 'S', '7', '-6.00'],
      ['Korrektur zur Rechnung INV-2026-00001 (USt. 19 %)', 'S', '19', '-24.00'],
    ]);
    expect(invoiceRow(p, 'I-000001')['Status']).toBe('Open');
    // Line 2 (50.00 at 7%) no longer fits: only 50.00 − 6.00 = 44.00 is left at 7%.
    expect(() => creditInvoice(p, { invoiceId: 'I-000001', lines: [2] })).toThrow('crediting 50 at S 7% would exceed what is left of INV-2026-00001 at that rate (44)');

    const q = basic();
    runInvoicing(q, NOV);
    finalizeInvoices(q, { invoiceDate: '2026-11-30' });
    // Credit line 2 (P2, 50.00 at 7%): −50.00, tax −3.50
    const l2 = creditInvoice(q, { invoiceId: 'I-000001', lines: [2] }).invoices.find((i) => i.type === 'credit_note')!;
    expect([l2.number, l2.net, l2.tax, l2.gross]).toEqual(['CN-2026-00001', '-50.00', '-3.50', '-53.50']);
    expect(linesOf(q, l2.invoiceId).map((l) => [l['Kind'], l['Item ID'], String(l['Quantity']), amt(l['Net'])])).toEqual([['credit', 'I2', '-1', '-50.00']]);
    // Nothing is left at 7%, so an amount now goes all to 19%: 30.00, tax 5.70
    const a = creditInvoice(q, { invoiceId: 'I-000001', amount: '30' }).invoices.find((i) => i.type === 'credit_note')!;
    expect([a.number, a.net, a.tax, a.gross]).toEqual(['CN-2026-00002', '-30.00', '-5.70', '-35.70']);
    expect(linesOf(q, a.invoiceId).map((l) => [l['Description'], String(l['Tax Rate']), amt(l['Net'])])).toEqual([['Korrektur zur Rechnung INV-2026-00001', '19', '-30.00']]);
    expect(invoiceRow(q, 'I-000001')['Credit Notes']).toBe('CN-2026-00001, CN-2026-00002');
    // Left: 250.00 − 50.00 − 30.00 = 170.00
    expect(() => creditInvoice(q, { invoiceId: 'I-000001', amount: '170.01' })).toThrow('credit amount 170.01 must be above 0 and at most 170 (net not yet credited)');
    expect(() => creditInvoice(q, { invoiceId: 'I-000001', amount: '0' })).toThrow('must be above 0');
    expect(() => creditInvoice(q, { invoiceId: 'I-000001', lines: [9] })).toThrow('invoice INV-2026-00001 has no line 9');
    // A partly credited invoice cannot be cancelled whole any more.
    expect(() => cancelInvoice(q, { invoiceId: 'I-000001' })).toThrow('INV-2026-00001 already has credit notes');
    // The rest: 170.00 at 19% = tax 32.30
    const rest = creditInvoice(q, { invoiceId: 'I-000001', amount: '170.00' }).invoices.find((i) => i.type === 'credit_note')!;
    expect([rest.number, rest.net, rest.tax]).toEqual(['CN-2026-00003', '-170.00', '-32.30']);
    // All credit notes together: net −250.00, tax −3.50 − 5.70 − 32.30 = −41.50 = the invoice's tax
    const cns = invoices(q).filter((i) => i['Type'] === 'credit_note');
    const sumOf = (h: string) => cns.reduce((s, i) => s + Math.round(Number(i[h]) * 100), 0) / 100;
    expect([sumOf('Net').toFixed(2), sumOf('Tax').toFixed(2)]).toEqual(['-250.00', '-41.50']);
    expect(amt(invoiceRow(q, 'I-000001')['Tax'])).toBe('41.50');
    expect(() => creditInvoice(q, { invoiceId: 'I-000001', amount: '0.01' })).toThrow('at most 0');
    // Credits never move billed-until.
    expect(cell(q, 'Items', 'Item ID', 'I1', 'Billed Until')).toBe('2026-11-30');
    expect(verifyLedger(q).problems).toEqual([]);
  });

  it('a line cannot be credited twice', () => {
    const p = basic();
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    creditInvoice(p, { invoiceId: 'I-000001', lines: [2] });
    expect(() => creditInvoice(p, { invoiceId: 'I-000001', lines: [2] })).toThrow('line 2 of INV-2026-00001 was already credited on CN-2026-00001');
    expect(invoices(p).filter((i) => i['Type'] === 'credit_note')).toHaveLength(1);
    // Line 1 can still be credited.
    expect(creditInvoice(p, { invoiceId: 'I-000001', lines: [1] }).invoices.find((i) => i.type === 'credit_note')!.net).toBe('-200.00');
  });

  it('a draft cannot be cancelled or credited', () => {
    const p = basic();
    runInvoicing(p, NOV);
    expect(() => cancelInvoice(p, { invoiceId: 'I-000001' })).toThrow('invoice I-000001 is a draft: delete or re-run it instead of crediting');
    expect(() => creditInvoice(p, { invoiceId: 'I-000001', amount: '1' })).toThrow('is a draft');
  });

  it('a run reads each table once and writes each table in one patch', () => {
    const p = basic();
    p.tables.calls.length = 0;
    runInvoicing(p, NOV);
    const reads = p.tables.calls.filter((c) => c.op === 'read').map((c) => c.table);
    expect(new Set(reads).size).toBe(reads.length);
    const writes = p.tables.calls.filter((c) => c.op === 'apply').map((c) => c.table);
    expect(writes).toEqual(['Invoices', 'InvoiceLines', 'Runs', 'Log']);
    p.tables.calls.length = 0;
    finalizeInvoices(p);
    const fw = p.tables.calls.filter((c) => c.op === 'apply').map((c) => c.table);
    expect(new Set(fw).size).toBe(fw.length);
  });

  it('21 one-time item billed once', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('SETUP', '500.00'), product('P1', '100.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'SETUP', { billingType: 'one_time', startDate: '2026-11-10' }), item('I2', 'S1', 'P1')],
    });
    const nov = runInvoicing(p, NOV);
    const lines = linesOf(p, nov.drafts[0].invoiceId).map((l) => [l['Kind'], l['Service Start'], l['Service End'], amt(l['Net'])]);
    expect(lines).toEqual([
      ['one_time', '2026-11-10', '2026-11-10', '500.00'],
      ['recurring', '2026-11-01', '2026-11-30', '100.00'],
    ]);
    // 600.00 + 19% 114.00 = 714.00
    expect(nov.drafts[0].gross).toBe('714.00');
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect([cell(p, 'Items', 'Item ID', 'I1', 'Status'), cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')]).toEqual(['Inactive', '2026-11-10']);
    // Not billed again, neither in the same period nor the next.
    expect(runInvoicing(p, NOV).drafts).toEqual([]);
    const dec = runInvoicing(p, DEC);
    expect(linesOf(p, dec.drafts[0].invoiceId).map((l) => [l['Item ID'], amt(l['Net'])])).toEqual([['I2', '100.00']]);
    // Even if a user sets the item Active again, its Billed Until keeps it from billing twice.
    edit(p, 'Items', 'Item ID', 'I1', { Status: 'Active' });
    expect(linesOf(p, runInvoicing(p, DEC).drafts[0].invoiceId).map((l) => l['Item ID'])).toEqual(['I2']);
  });

  it('cancelling an invoice with a one-time item reopens the item', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('SETUP', '500.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'SETUP', { billingType: 'one_time', startDate: '2026-11-10' })],
    });
    runInvoicing(p, NOV);
    finalizeInvoices(p);
    cancelInvoice(p, { invoiceId: 'I-000001' });
    expect([cell(p, 'Items', 'Item ID', 'I1', 'Status'), cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')]).toEqual(['Active', '']);
    const again = runInvoicing(p, DEC);
    // A one-time item from an earlier date is billed in the next run.
    expect(linesOf(p, again.drafts[0].invoiceId).map((l) => [l['Service Start'], amt(l['Net'])])).toEqual([['2026-11-10', '500.00']]);
  });

  it('22 billed-until prevents double billing', () => {
    const p = basic();
    runInvoicing(p, NOV);
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).invoices).toHaveLength(2);
    expect(['I1', 'I2', 'I3'].map((i) => cell(p, 'Items', 'Item ID', i, 'Billed Until'))).toEqual(['2026-11-30', '2026-11-30', '2026-11-30']);
    const again = runInvoicing(p, NOV);
    expect(again.drafts).toEqual([]);
    expect(again.removed).toEqual([]);
    // Finalizing again finds nothing to do.
    expect(finalizeInvoices(p)).toEqual({ invoices: [], failed: [] });
    const dec = runInvoicing(p, DEC);
    expect(dec.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([
      ['S1', '250.00'],
      ['S2', '100.00'],
    ]);
    for (const d of dec.drafts) {
      for (const l of linesOf(p, d.invoiceId)) expect([l['Service Start'], l['Service End']]).toEqual(['2026-12-01', '2026-12-31']);
    }
    // A draft never moves billed-until.
    expect(cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')).toBe('2026-11-30');
  });

  it('a draft keeps a later run from billing the same service twice', () => {
    const p = basic();
    runInvoicing(p, NOV);
    // A run over November and December (another key) bills December only and says why.
    const two = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-12-31' });
    const s1 = two.drafts.find((d) => d.subscriptionId === 'S1')!;
    expect(linesOf(p, s1.invoiceId).map((l) => [l['Service Start'], l['Service End']])).toEqual([
      ['2026-12-01', '2026-12-31'],
      ['2026-12-01', '2026-12-31'],
    ]);
    expect(s1.warnings).toContain('item I1: 2026-11-01..2026-11-30 is already on draft I-000001');
  });

  it('26 manual invoice and pro-forma', () => {
    const p = basic();
    const manual = createManualInvoice(p, {
      accountId: 'A1',
      invoiceDate: '2026-11-20',
      orderReference: 'PO-77',
      lines: [
        { description: 'Consulting', quantity: 2.5, unitPrice: '120.00', unit: 'HUR' },
        { description: 'Book', quantity: 1, unitPrice: '20.00', taxClass: 'reduced' },
      ],
    });
    // 2.5 × 120.00 = 300.00 (19% 57.00) + 20.00 (7% 1.40) → net 320.00, tax 58.40, gross 378.40
    expect([manual.status, manual.type, manual.net, manual.tax, manual.gross]).toEqual(['Draft', 'invoice', '320.00', '58.40', '378.40']);
    const pf = createManualInvoice(p, { accountId: 'A2', type: 'pro_forma', lines: [{ description: 'Advance payment', quantity: 1, unitPrice: '1000.00' }] });
    expect([pf.type, pf.gross]).toEqual(['pro_forma', '1190.00']);
    // A run does not touch manual drafts.
    runInvoicing(p, NOV);
    expect(invoices(p).map((i) => [i['Invoice ID'], i['Type']])).toEqual([
      ['I-000001', 'invoice'],
      ['I-000002', 'pro_forma'],
      ['I-000003', 'invoice'],
      ['I-000004', 'invoice'],
    ]);
    const fin = finalizeInvoices(p, { invoiceIds: [manual.invoiceId, pf.invoiceId] });
    expect(fin.invoices.map((i) => [i.number, i.invoiceDate])).toEqual([
      ['INV-2026-00001', '2026-11-20'],
      ['PF-2026-00001', '2026-11-30'],
    ]);
    expect(invoiceRow(p, manual.invoiceId)['Due Date']).toBe('2026-12-04');
    expect(invoiceRow(p, manual.invoiceId)['Order Reference']).toBe('PO-77');
    expect(() => creditInvoice(p, { invoiceId: pf.invoiceId, amount: '100' })).toThrow('PF-2026-00001 is a pro-forma invoice: it can be cancelled, not credited');
    const cancelled = cancelInvoice(p, { invoiceId: pf.invoiceId });
    expect(cancelled.invoices.map((i) => [i.invoiceId, i.status])).toEqual([[pf.invoiceId, 'Cancelled']]);
    // No credit note for a pro-forma; the pro-forma range does not touch the invoice range.
    expect(invoices(p).filter((i) => i['Type'] === 'credit_note')).toEqual([]);
    expect(finalizeInvoices(p).invoices.map((i) => i.number)).toEqual(['INV-2026-00002', 'INV-2026-00003']);
    // The manual invoice can be credited like any other.
    const cn = cancelInvoice(p, { invoiceId: manual.invoiceId }).invoices.find((i) => i.type === 'credit_note')!;
    expect([cn.number, cn.gross]).toEqual(['CN-2026-00001', '-378.40']);
    expect(() => createManualInvoice(p, { accountId: 'NOPE', lines: [{ description: 'x', quantity: 1, unitPrice: 1 }] })).toThrow('account "NOPE" does not exist');
    expect(() => createManualInvoice(p, { accountId: 'A1', lines: [] })).toThrow('a manual invoice needs at least one line');
    expect(verifyLedger(p).problems).toEqual([]);
  });

  it('27 determinism: planning the same workbook twice gives identical drafts', () => {
    const a = basic();
    const b = basic();
    const ra = runInvoicing(a, NOV);
    const rb = runInvoicing(b, NOV);
    expect(ra).toEqual(rb);
    expect(table(a, 'Invoices')).toEqual(table(b, 'Invoices'));
    expect(table(a, 'InvoiceLines')).toEqual(table(b, 'InvoiceLines'));
    expect(table(a, 'InvoiceLines')).toHaveLength(3);
    finalizeInvoices(a);
    finalizeInvoices(b);
    // Same content, same chain: identical hashes.
    expect(table(a, 'Invoices').map((i) => i['Hash'])).toEqual(table(b, 'Invoices').map((i) => i['Hash']));
    expect(table(a, 'Invoices')[0]['Hash']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('28 stale draft protection', () => {
    const p = threeCustomers();
    runInvoicing(p, NOV);
    // After the run, November of I2 is billed elsewhere and recorded as such.
    edit(p, 'Items', 'Item ID', 'I2', { 'Billed Until': '2026-11-30' });
    const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(fin.failed).toEqual([{ invoiceId: 'I-000002', reason: 'item I2 is already billed until 2026-11-30 (line 1 starts 2026-11-01): re-run the period' }]);
    // The others finalize without a gap in the numbers.
    expect(fin.invoices.map((i) => [i.invoiceId, i.number])).toEqual([
      ['I-000001', 'INV-2026-00001'],
      ['I-000003', 'INV-2026-00002'],
    ]);
    expect(invoiceRow(p, 'I-000002')['Status']).toBe('Draft');
    // Re-running the period removes the stale draft.
    expect(runInvoicing(p, NOV).removed).toEqual(['I-000002']);
  });

  it('drafts of the same item finalize in service order, never skipping a period', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1')],
    });
    const nov = runInvoicing(p, NOV);
    const dec = runInvoicing(p, DEC);
    expect(linesOf(p, dec.drafts[0].invoiceId).map((l) => l['Service Start'])).toEqual(['2026-12-01']);
    // Finalizing December first would move billed-until past November, which would then never be billed.
    const early = finalizeInvoices(p, { invoiceIds: [dec.drafts[0].invoiceId] });
    expect(early.failed).toEqual([
      { invoiceId: dec.drafts[0].invoiceId, reason: `item I1 has earlier unbilled service on draft ${nov.drafts[0].invoiceId} (2026-11-01..2026-11-30): finalize that draft first` },
    ]);
    expect(cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')).toBe('');
    // Both together go in service order.
    const both = finalizeInvoices(p, { invoiceIds: [dec.drafts[0].invoiceId, nov.drafts[0].invoiceId] });
    expect(both.failed).toEqual([]);
    expect(both.invoices.map((i) => [i.invoiceId, i.number])).toEqual([
      [nov.drafts[0].invoiceId, 'INV-2026-00001'],
      [dec.drafts[0].invoiceId, 'INV-2026-00002'],
    ]);
    expect(cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')).toBe('2026-12-31');
  });
});
