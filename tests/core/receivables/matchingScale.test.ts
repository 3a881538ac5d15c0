// Matching at statement scale: 10,000 payments against 10,000 open invoices. No timed assertion
// (npm run bench and scripts/bench-matching.ts measure time); instead the index's look-up counter
// shows the work per payment does not grow with the open invoices, and every payment lands where
// its kind says.
import { MatchIndex, type PaymentToMatch } from '../../../src/core/receivables/matching';
import { creditorReference, printedReference } from '../../../src/core/receivables/rf';
import type { OpenInvoice } from '../../../src/core/receivables/types';

/** n open invoices of n/4 accounts, and n payments: by reference, by number with noise, by customer number, unmatched. */
function statement(n: number): { open: OpenInvoice[]; payments: PaymentToMatch[] } {
  const open = Array.from({ length: n }, (_, i): OpenInvoice => {
    const number = `RE-2026-${String(i + 1).padStart(6, '0')}`;
    const account = Math.floor(i / 4);
    return {
      invoiceId: `I-${i}`,
      number,
      accountId: `K${10000 + account}`,
      accountName: `Firma ${account} Bau GmbH`,
      reference: creditorReference(number)!,
      invoiceDate: `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      currency: 'EUR',
      open: `${100 + (i % 900)}.${String(i % 100).padStart(2, '0')}`,
    };
  });
  const payments = open.map((inv, i): PaymentToMatch => {
    const amount = inv.open;
    switch (i % 4) {
      case 0:
        return { amount, currency: 'EUR', remittance: i % 8 ? `${printedReference(inv.reference)} Danke` : undefined, creditorReference: i % 8 ? undefined : inv.reference };
      case 1:
        return {
          amount,
          currency: 'EUR',
          remittance: `Rechnung ${inv.number
            .toLowerCase()
            .replace(/-/g, ' ')
            .replace(/(\d{3})$/, '\n$1')} vom 12.01.2026 Vielen Dank`,
        };
      case 2:
        return { amount: '50.00', currency: 'EUR', remittance: `Kd-Nr. ${inv.accountId} Abschlag Maerz` };
      default:
        return { amount: '12.34', currency: 'EUR', remittance: 'Miete Dezember Wohnung 3 OG links', counterpartyName: `FIRMA ${Math.floor(i / 4)} BAU`, counterpartyIban: 'DE89370400440532013000' };
    }
  });
  return { open, payments };
}

function run(n: number) {
  const { open, payments } = statement(n);
  const t0 = performance.now();
  const index = new MatchIndex(open, []);
  const t1 = performance.now();
  const results = payments.map((p) => index.match(p));
  const t2 = performance.now();
  return { index, payments, results, buildMs: t1 - t0, matchMs: t2 - t1 };
}

describe('matching at scale', () => {
  it('matches 10,000 payments against 10,000 open invoices, with work per payment independent of the invoices', () => {
    const small = run(1000);
    const big = run(10000);
    console.log(`MatchIndex of 10,000 open invoices: ${big.buildMs.toFixed(0)} ms; 10,000 payments matched: ${big.matchMs.toFixed(0)} ms; ${big.index.lookups} look-ups`);

    const byKind = [0, 1, 2, 3].map((kind) => big.results.filter((_, i) => i % 4 === kind));
    for (const [i, r] of big.results.entries()) {
      const p = big.payments[i];
      const expected = ['matched', 'matched', 'partially matched', 'unmatched'][i % 4];
      if (r.status !== expected) throw new Error(`payment text ${JSON.stringify(p.remittance)}: ${r.status}, not ${expected} (${r.how})`);
    }
    expect(byKind[0].every((r, k) => r.allocations[0].invoiceId === `I-${4 * k}` && r.how.startsWith('creditor reference'))).toBe(true);
    expect(byKind[1].every((r, k) => r.allocations[0].invoiceId === `I-${4 * k + 1}` && r.how.startsWith('invoice number'))).toBe(true);
    expect(byKind[2].every((r, k) => r.accountId === `K${10000 + k}` && r.how.startsWith('customer number'))).toBe(true);
    expect(byKind[3].every((r, k) => r.suggestions.length > 0 && r.suggestions[0].accountId === `K${10000 + k}`)).toBe(true);

    // Proportional: ten times the invoices and payments, ten times the look-ups (not a hundred).
    const perPayment = (r: ReturnType<typeof run>) => r.index.lookups / r.payments.length;
    expect(perPayment(big)).toBeLessThan(perPayment(small) * 1.25);
    expect(perPayment(big)).toBeLessThan(80);
  });
});
