// Service periods end to end: proration, ends inside a period, quarterly/annual, leap years.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { DEC, NOV, OCT, account, amt, cell, item, linesOf, ports, product, subscription, totalsOf } from './helpers';

const month = (m: string) => {
  const [y, mo] = m.split('-').map(Number);
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return { periodStart: `${m}-01`, periodEnd: `${m}-${String(last).padStart(2, '0')}` };
};

describe('periods', () => {
  it('1 mid-month start', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '30.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1', { startDate: '2026-11-15' })],
    });
    const run = runInvoicing(p, NOV);
    expect(run.failed).toEqual([]);
    expect(run.drafts).toHaveLength(1);
    const id = run.drafts[0].invoiceId;
    const [l] = linesOf(p, id);
    expect(l['Service Start']).toBe('2026-11-15');
    expect(l['Service End']).toBe('2026-11-30');
    // 11-15..11-30 = 16 days of a 30-day November: 16/30 = 0.533333
    expect(String(l['Period Factor'])).toBe('0.533333');
    // 16/30 × 30.00 = 16.00; tax 19% = 3.04; gross 19.04
    expect(amt(l['Net'])).toBe('16.00');
    expect(totalsOf(p, id)).toEqual(['16.00', '3.04', '19.04', '0.00', '19.04']);
    // December is a whole month again (after November is finalized).
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(cell(p, 'Items', 'Item ID', 'I1', 'Billed Until')).toBe('2026-11-30');
    const dec = runInvoicing(p, DEC);
    const [d] = linesOf(p, dec.drafts[0].invoiceId);
    expect([d['Service Start'], d['Service End'], amt(d['Net'])]).toEqual(['2026-12-01', '2026-12-31', '30.00']);
  });

  it('prorates a large amount exactly (no error from a rounded period factor)', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '30000.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1', { startDate: '2026-11-15' })],
    });
    const run = runInvoicing(p, NOV);
    // 16/30 × 30000.00 = 16000.00 exactly (0.533333 × 30000 would give 15999.99)
    expect(run.drafts[0].net).toBe('16000.00');
    // 16000.00 × 19% = 3040.00
    expect(run.drafts[0].gross).toBe('19040.00');
  });

  it('2 end before period end (arrears and advance)', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '30.00')],
      Subscriptions: [
        subscription('S-ARR', 'A1', { startDate: '2026-10-01', billingTiming: 'arrears' }),
        subscription('S-ADV', 'A1', { startDate: '2026-10-01', billingTiming: 'advance' }),
        subscription('S-END', 'A1', { startDate: '2026-10-01', endDate: '2026-11-10' }),
      ],
      Items: [
        item('I-ARR', 'S-ARR', 'P1', { endDate: '2026-11-10', billedUntil: '2026-10-31' }),
        item('I-ADV', 'S-ADV', 'P1', { endDate: '2026-11-10', billedUntil: '2026-10-31' }),
        item('I-END', 'S-END', 'P1', { billedUntil: '2026-10-31' }),
      ],
    });
    const run = runInvoicing(p, NOV);
    expect(run.failed).toEqual([]);
    expect(run.drafts.map((d) => d.subscriptionId)).toEqual(['S-ARR', 'S-ADV', 'S-END']);
    for (const d of run.drafts) {
      const [l] = linesOf(p, d.invoiceId);
      // 11-01..11-10 = 10 of 30 days: 10/30 × 30.00 = 10.00 (arrears, advance, and a subscription end date alike)
      expect([l['Service Start'], l['Service End'], amt(l['Net'])]).toEqual(['2026-11-01', '2026-11-10', '10.00']);
      // 10.00 + 19% 1.90 = 11.90
      expect(d.gross).toBe('11.90');
    }
    // Nothing after the end: December bills nothing once November is final.
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
    expect(cell(p, 'Items', 'Item ID', 'I-ARR', 'Billed Until')).toBe('2026-11-10');
    expect(runInvoicing(p, DEC).drafts).toEqual([]);
  });

  it('arrears bills a month only once it has ended', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '30.00')],
      Subscriptions: [subscription('S1', 'A1', { startDate: '2026-11-15', billingTiming: 'arrears' })],
      Items: [item('I1', 'S1', 'P1')],
    });
    // The run of 11-01..11-20 does not reach November's end: nothing due in arrears.
    expect(runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-20' }).drafts).toEqual([]);
    const run = runInvoicing(p, NOV);
    const [l] = linesOf(p, run.drafts[0].invoiceId);
    // 16/30 × 30.00 = 16.00
    expect([l['Service Start'], l['Service End'], amt(l['Net'])]).toEqual(['2026-11-15', '2026-11-30', '16.00']);
  });

  it('3 quarterly in advance across a year boundary', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '90.00'), product('P2', '92.00')],
      Subscriptions: [
        subscription('S-CAL', 'A1', { startDate: '2026-10-01', billingPeriod: 'quarterly', alignment: 'calendar' }),
        subscription('S-START', 'A1', { startDate: '2026-12-15', billingPeriod: 'quarterly', alignment: 'start' }),
        subscription('S-MID', 'A1', { startDate: '2026-11-15', billingPeriod: 'quarterly', alignment: 'calendar' }),
      ],
      Items: [item('I-CAL', 'S-CAL', 'P1'), item('I-START', 'S-START', 'P1'), item('I-MID', 'S-MID', 'P2')],
    });
    const oct = runInvoicing(p, OCT);
    expect(oct.drafts.map((d) => d.subscriptionId)).toEqual(['S-CAL']);
    const [q4] = linesOf(p, oct.drafts[0].invoiceId);
    // Calendar quarter Oct–Dec, whole: factor 1, 90.00
    expect([q4['Service Start'], q4['Service End'], String(q4['Period Factor']), amt(q4['Net'])]).toEqual(['2026-10-01', '2026-12-31', '1', '90.00']);
    expect(finalizeInvoices(p, { invoiceDate: '2026-10-31' }).failed).toEqual([]);

    const nov = runInvoicing(p, NOV);
    // Only the quarter that starts mid-November; S-CAL is paid up to 12-31, S-START has not started.
    expect(nov.drafts.map((d) => d.subscriptionId)).toEqual(['S-MID']);
    const [mid] = linesOf(p, nov.drafts[0].invoiceId);
    // 11-15..12-31 = 47 days of the 92-day calendar quarter: 47/92 × 92.00 = 47.00
    expect([mid['Service Start'], mid['Service End'], amt(mid['Net'])]).toEqual(['2026-11-15', '2026-12-31', '47.00']);
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);

    const dec = runInvoicing(p, DEC);
    expect(dec.drafts.map((d) => d.subscriptionId)).toEqual(['S-START']);
    const [st] = linesOf(p, dec.drafts[0].invoiceId);
    // Start-aligned: 2026-12-15 + 3 months = 2027-03-15, so the period ends 2027-03-14; whole period 90.00
    expect([st['Service Start'], st['Service End'], amt(st['Net'])]).toEqual(['2026-12-15', '2027-03-14', '90.00']);
    expect(finalizeInvoices(p, { invoiceDate: '2026-12-31' }).failed).toEqual([]);

    const jan = runInvoicing(p, month('2027-01'));
    // Q1 2027 for both calendar subscriptions; S-START is paid until 2027-03-14.
    expect(jan.drafts.map((d) => d.subscriptionId)).toEqual(['S-CAL', 'S-MID']);
    for (const d of jan.drafts) {
      const [l] = linesOf(p, d.invoiceId);
      expect([l['Service Start'], l['Service End'], String(l['Period Factor'])]).toEqual(['2027-01-01', '2027-03-31', '1']);
    }
  });

  it('4 annual in arrears', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '1200.00')],
      Subscriptions: [
        subscription('S-CAL', 'A1', { startDate: '2026-01-01', billingPeriod: 'annual', billingTiming: 'arrears' }),
        subscription('S-START', 'A1', { startDate: '2026-03-01', billingPeriod: 'annual', billingTiming: 'arrears', alignment: 'start' }),
      ],
      Items: [item('I-CAL', 'S-CAL', 'P1'), item('I-START', 'S-START', 'P1')],
    });
    // November contains neither period end.
    expect(runInvoicing(p, NOV).drafts).toEqual([]);
    const dec = runInvoicing(p, DEC);
    expect(dec.drafts.map((d) => d.subscriptionId)).toEqual(['S-CAL']);
    const [l] = linesOf(p, dec.drafts[0].invoiceId);
    // The whole year 2026: 1200.00 + 19% 228.00 = 1428.00
    expect([l['Service Start'], l['Service End'], amt(l['Net'])]).toEqual(['2026-01-01', '2026-12-31', '1200.00']);
    expect(dec.drafts[0].gross).toBe('1428.00');
    expect(finalizeInvoices(p, { invoiceDate: '2026-12-31' }).failed).toEqual([]);
    expect(runInvoicing(p, month('2027-01')).drafts).toEqual([]);
    const feb = runInvoicing(p, month('2027-02'));
    expect(feb.drafts.map((d) => d.subscriptionId)).toEqual(['S-START']);
    const [s] = linesOf(p, feb.drafts[0].invoiceId);
    expect([s['Service Start'], s['Service End'], amt(s['Net'])]).toEqual(['2026-03-01', '2027-02-28', '1200.00']);
  });

  it('5 leap year February', () => {
    const p = ports(
      {
        Accounts: [account('A1')],
        Products: [product('P1', '31.00'), product('P2', '30.00')],
        Subscriptions: [subscription('S-31', 'A1', { startDate: '2028-01-31', alignment: 'start' }), subscription('S-FEB', 'A1', { startDate: '2028-02-15' })],
        Items: [item('I-31', 'S-31', 'P1'), item('I-FEB', 'S-FEB', 'P2')],
      },
      '2028-03-31T12:00:00Z',
    );
    const jan = runInvoicing(p, month('2028-01'));
    const [j] = linesOf(p, jan.drafts[0].invoiceId);
    // Anchor 01-31 + 1 month clamps to 02-29 (leap year), so the first period ends 02-28.
    expect([j['Service Start'], j['Service End'], amt(j['Net'])]).toEqual(['2028-01-31', '2028-02-28', '31.00']);
    expect(finalizeInvoices(p, { invoiceDate: '2028-01-31' }).failed).toEqual([]);

    const feb = runInvoicing(p, month('2028-02'));
    expect(feb.drafts.map((d) => d.subscriptionId)).toEqual(['S-31', 'S-FEB']);
    const [f31] = linesOf(p, feb.drafts[0].invoiceId);
    // The next period starts on the clamped 02-29 and ends the day before the anchor's 03-31.
    expect([f31['Service Start'], f31['Service End'], amt(f31['Net'])]).toEqual(['2028-02-29', '2028-03-30', '31.00']);
    const [ff] = linesOf(p, feb.drafts[1].invoiceId);
    // 02-15..02-29 = 15 days of 29: 15/29 × 30.00 = 15.517… → 15.52 (not 15/28 → 16.07, not 15/30 → 15.00)
    expect([ff['Service Start'], ff['Service End'], String(ff['Period Factor']), amt(ff['Net'])]).toEqual(['2028-02-15', '2028-02-29', '0.517241', '15.52']);
    expect(finalizeInvoices(p, { invoiceDate: '2028-02-29' }).failed).toEqual([]);

    const mar = runInvoicing(p, month('2028-03'));
    const [m31] = linesOf(p, mar.drafts[0].invoiceId);
    // Back on the 31st: no drift from February's clamp.
    expect([m31['Service Start'], m31['Service End']]).toEqual(['2028-03-31', '2028-04-29']);
  });
});
