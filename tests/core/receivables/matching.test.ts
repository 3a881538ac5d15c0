// Matching payments to open invoices: German bank transfers as customers write them, then
// properties over generated numbers, separators and amounts.
import fc from 'fast-check';
import { BillingError } from '../../../src/core/errors';
import { D } from '../../../src/core/money';
import { type AccountInfo, MatchIndex, type MatchResult, nameWords, type PaymentToMatch, settleOldestFirst } from '../../../src/core/receivables/matching';
import { creditorReference, referenceBody } from '../../../src/core/receivables/rf';
import type { OpenInvoice } from '../../../src/core/receivables/types';

function inv(number: string, o: Partial<OpenInvoice> = {}): OpenInvoice {
  return {
    invoiceId: `I-${referenceBody(number)}`,
    number,
    accountId: '4711',
    accountName: 'Müller GmbH',
    reference: creditorReference(number)!,
    invoiceDate: '2026-01-15',
    currency: 'EUR',
    open: '119.00',
    ...o,
  };
}

const OPEN = [
  inv('RE-2026-00012', { invoiceDate: '2026-02-01' }),
  inv('RE-2026-00013', { invoiceDate: '2026-01-10', open: '50.00' }),
  inv('RE-2026-00020', { accountId: '4712', accountName: 'Schulze & Söhne KG', invoiceDate: '2026-01-20', open: '238.00', iban: 'DE02 1203 0000 0000 2020 51' }),
  inv('RE-2026-00021', { accountId: '4712', accountName: 'Schulze & Söhne KG', invoiceDate: '2026-03-01', open: '80.00' }),
  inv('RE-2026-00030', { accountId: 'K-900', accountName: 'Alpen AG', currency: 'CHF', open: '119.00' }),
  inv('INV-2026-00012', { accountId: '5000', accountName: 'Example Ltd', invoiceDate: '2026-01-05', open: '1000.00' }),
];
const ACCOUNTS: AccountInfo[] = [
  { accountId: '4711', name: 'Müller GmbH', iban: 'DE89 3704 0044 0532 0130 00' },
  { accountId: '4712', name: 'Schulze & Söhne KG' },
  { accountId: 'K-900', name: 'Alpen AG' },
  { accountId: '5000', name: 'Example Ltd' },
  { accountId: '6000', name: 'Leer & Co' },
  { accountId: '12', name: 'Kurz' },
];
const index = new MatchIndex(OPEN, ACCOUNTS);
const pay = (remittance: string | undefined, amount = '119.00', more: Partial<PaymentToMatch> = {}): MatchResult => index.match({ amount, currency: 'EUR', remittance, ...more });
const allocated = (r: MatchResult) => r.allocations.map((a) => `${a.number} ${a.amount}`);

/** Fails naming the payment text, so a failing property or table row says which text it was. */
function check(text: string | undefined, ok: boolean, what: string): void {
  if (!ok) throw new Error(`payment text ${JSON.stringify(text)}: ${what}`);
}

describe('matching by invoice number in the remittance text', () => {
  it.each([['RE-2026-00012 Kd-Nr. 4711'], ['Rechnung RE 2026 00012'], ['RE-2026-0001\n2'], ['re2026-0001\n2'], ['RE-2026-00012 4711'], ['Zahlung zu Rechnungsnr.:RE_2026_00012, danke']])(
    '%j names RE-2026-00012',
    (text) => {
      const r = pay(text);
      check(text, r.status === 'matched', `status ${r.status} (${r.how})`);
      expect(allocated(r)).toEqual(['RE-2026-00012 119.00']);
      expect(r).toMatchObject({ rest: '0.00', accountId: '4711', how: 'invoice number RE-2026-00012 in the remittance text', suggestions: [] });
    },
  );

  it('does not take a longer number, nor one inside a word, for an open one', () => {
    for (const text of ['RE-2026-000123', 'XRE-2026-00012', 'RE-2026-00012A']) {
      const r = pay(text, '7.77');
      check(text, r.status === 'unmatched' && r.allocations.length === 0, `matched ${allocated(r)}`);
    }
  });

  it('settles several numbers oldest first: "Rg. Nr. re 2026/00012 und RE-2026-00013"', () => {
    const r = pay('Rg. Nr. re 2026/00012 und RE-2026-00013', '169.00');
    expect(r).toMatchObject({ status: 'matched', rest: '0.00', accountId: '4711', how: 'invoice numbers RE-2026-00012 and RE-2026-00013 in the remittance text' });
    expect(allocated(r)).toEqual(['RE-2026-00013 50.00', 'RE-2026-00012 119.00']);
  });

  it('a partial payment leaves the last invoice partly open', () => {
    const r = pay('Rg. Nr. re 2026/00012 und RE-2026-00013', '100');
    expect(r).toMatchObject({ status: 'partially matched', rest: '0.00' });
    expect(allocated(r)).toEqual(['RE-2026-00013 50.00', 'RE-2026-00012 50.00']);
  });

  it('an overpayment is matched, the rest kept as credit on the account', () => {
    const r = pay('RE-2026-00012', '150.5');
    expect(r).toMatchObject({ status: 'matched', rest: '31.50', accountId: '4711' });
    expect(allocated(r)).toEqual(['RE-2026-00012 119.00']);
  });

  it("invoices of different accounts in one text are settled oldest first, the payment the first one's account's", () => {
    const r = pay('RE-2026-00012 RE-2026-00020', '400.00');
    expect(allocated(r)).toEqual(['RE-2026-00020 238.00', 'RE-2026-00012 119.00']);
    expect(r).toMatchObject({ status: 'matched', rest: '43.00', accountId: '4712' });
  });

  it('a number no longer open is named: alone unmatched, beside an open one in the how', () => {
    const paid = pay('RE-2026-00010 Danke');
    expect(paid).toMatchObject({ status: 'unmatched', rest: '119.00', reason: 'RE-2026-00010 is not an open invoice (already paid?)' });
    const both = pay('RE-2026-00010 und RE-2026-00012');
    expect(both.how).toBe('invoice number RE-2026-00012 in the remittance text; RE-2026-00010 is not an open invoice (already paid?)');
    expect(allocated(both)).toEqual(['RE-2026-00012 119.00']);
    const customer = pay('RE-2026-00010 Kd-Nr. 4711', '50.00');
    expect(customer).toMatchObject({
      status: 'partially matched',
      how: 'customer number 4711 in the remittance text: oldest open invoices first; RE-2026-00010 is not an open invoice (already paid?)',
    });
    expect(allocated(customer)).toEqual(['RE-2026-00013 50.00']);
  });

  it('a payment in another currency stays unmatched with the reason; invoices of other currencies are left out', () => {
    const chf = index.match({ amount: '119.00', currency: 'CHF', remittance: 'RE-2026-00012' });
    expect(chf).toMatchObject({ status: 'unmatched', allocations: [], rest: '119.00', accountId: '4711', reason: 'paid in CHF; the open invoices found are in EUR' });
    const mixed = pay('RE-2026-00030 RE-2026-00012');
    expect(allocated(mixed)).toEqual(['RE-2026-00012 119.00']);
    expect(mixed.how).toContain('RE-2026-00030 is in CHF and left out');
  });
});

describe('matching by creditor reference', () => {
  it('takes the structured reference first, even when the text names another invoice', () => {
    const r = pay('RE-2026-00013', '1000.00', { creditorReference: 'RF70INV202600012' });
    expect(r).toMatchObject({ status: 'matched', how: 'creditor reference RF70INV202600012', accountId: '5000' });
    expect(allocated(r)).toEqual(['INV-2026-00012 1000.00']);
  });

  it.each(['RF70 INV2 0260 0012', 'Ref RF70INV202600012 danke', 'rf70 inv2 0260 0012\nMiete'])('finds %j in the text', (text) => {
    const r = pay(text, '1000.00');
    check(text, r.how === 'creditor reference RF70INV202600012', r.how);
    expect(allocated(r)).toEqual(['INV-2026-00012 1000.00']);
  });

  it("names a valid reference that is no open invoice's", () => {
    const ref = creditorReference('RE-2026-00001')!;
    const r = pay(`${ref}`, '5.00');
    expect(r.status).toBe('unmatched');
    expect(r.reason).toBe(`${ref} is not the reference of an open invoice`);
  });
});

describe('matching by customer number', () => {
  it('settles the account oldest first: "Kundennr. 4712 Abschlag"', () => {
    const r = pay('Kundennr. 4712 Abschlag', '250.00');
    expect(r).toMatchObject({ status: 'partially matched', accountId: '4712', rest: '0.00', how: 'customer number 4712 in the remittance text: oldest open invoices first' });
    expect(allocated(r)).toEqual(['RE-2026-00020 238.00', 'RE-2026-00021 12.00']);
  });

  it('needs the id as a whole token and at least 3 characters', () => {
    expect(pay('Kd 47120', '1.00').status).toBe('unmatched');
    expect(pay('Kd 12', '1.00').status).toBe('unmatched');
    expect(pay('kd k-900', '119.00', { currency: 'CHF' })).toMatchObject({ status: 'matched', accountId: 'K-900' });
  });

  it('an account without open invoices, or several customer numbers, stay unmatched', () => {
    expect(pay('Kd 6000', '10.00')).toMatchObject({ status: 'unmatched', accountId: '6000', reason: 'account 6000 has no open invoices' });
    const two = pay('Kd 4711 oder 4712', '10.00');
    expect(two).toMatchObject({ status: 'unmatched', reason: 'customer numbers 4711 and 4712 in the remittance text: which one?' });
    expect(two.suggestions.map((s) => s.number)).toEqual(['RE-2026-00013', 'RE-2026-00012', 'RE-2026-00020', 'RE-2026-00021']);
  });
});

describe('unmatched payments and suggestions', () => {
  it('"Miete Dezember" is unmatched with the reason', () => {
    const r = pay('Miete Dezember', '777.00');
    expect(r).toEqual({
      status: 'unmatched',
      allocations: [],
      rest: '777.00',
      how: 'nothing in the payment names an open invoice',
      reason: 'no creditor reference, invoice number or customer number of an open invoice in the payment',
      suggestions: [],
    });
  });

  it('suggests by exact amount, payer IBAN and payer name, never allocating', () => {
    const byAmount = pay('Miete Dezember', '238.0');
    expect(byAmount.suggestions).toEqual([{ invoiceId: 'I-RE202600020', number: 'RE-2026-00020', accountId: '4712', why: 'open amount equals the payment (238.0 EUR)' }]);
    const byIban = pay('Danke', '1.00', { counterpartyIban: 'de89370400440532013000' });
    expect(byIban.suggestions.map((s) => s.number)).toEqual(['RE-2026-00013', 'RE-2026-00012']);
    expect(byIban.suggestions[0].why).toBe("the payer's IBAN DE89370400440532013000 is account 4711's");
    const byName = pay(undefined, '1.00', { counterpartyName: 'MUELLER GMBH' });
    expect(byName.suggestions.map((s) => [s.number, s.accountId])).toEqual([
      ['RE-2026-00013', '4711'],
      ['RE-2026-00012', '4711'],
    ]);
    for (const r of [byAmount, byIban, byName]) expect(r).toMatchObject({ status: 'unmatched', allocations: [], how: expect.stringMatching(/suggestions? to confirm$/) });
  });

  it('names match either way round, word by word, umlauts and punctuation aside; at most 5 suggestions', () => {
    expect(nameWords('Schulze & Söhne KG')).toEqual(['schulze', 'soehne', 'kg']);
    expect(pay(undefined, '1.00', { counterpartyName: 'Schulze + Soehne' }).suggestions.map((s) => s.accountId)).toEqual(['4712', '4712']);
    expect(pay(undefined, '1.00', { counterpartyName: 'Peter Müller GmbH, München' }).suggestions.map((s) => s.accountId)).toEqual(['4711', '4711']);
    expect(pay(undefined, '1.00', { counterpartyName: 'GmbH' }).suggestions).toEqual([]);
    const many = new MatchIndex(
      Array.from({ length: 8 }, (_, i) => inv(`RE-2026-1000${i}`, { open: '10.00' })),
      [],
    );
    expect(many.match({ amount: '10.00', currency: 'EUR', remittance: 'x' }).suggestions).toHaveLength(5);
  });
});

describe('settling by hand', () => {
  it('settleOldestFirst and MatchIndex.settle allocate oldest first', () => {
    expect(settleOldestFirst([OPEN[0], OPEN[1]], '60')).toEqual({
      allocations: [
        { invoiceId: 'I-RE202600013', number: 'RE-2026-00013', amount: '50.00' },
        { invoiceId: 'I-RE202600012', number: 'RE-2026-00012', amount: '10.00' },
      ],
      rest: '0.00',
    });
    expect(index.settle(['RE-2026-00012', 'I-RE202600013'], '200.00')).toMatchObject({
      status: 'matched',
      rest: '31.00',
      accountId: '4711',
      how: 'assigned by hand to RE-2026-00013 and RE-2026-00012',
    });
  });

  it('refuses bad amounts, unknown invoices and mixed currencies', () => {
    for (const amount of ['0', '-5', '12,50', '', 'abc']) expect(() => pay('RE-2026-00012', amount)).toThrow(BillingError);
    expect(() => index.settle(['RE-2026-09999'], '1')).toThrow(/RE-2026-09999 is not an open invoice/);
    expect(() => index.settle(['RE-2026-00012', 'RE-2026-00030'], '1')).toThrow(/CHF and EUR/);
  });
});

describe("booking a statement's payments one after the other", () => {
  it('an invoice paid by one payment is no longer open for the next; a part payment leaves the rest open', () => {
    const statement = new MatchIndex(OPEN, ACCOUNTS);
    const first = statement.match({ amount: '100.00', currency: 'EUR', remittance: 'RE-2026-00012 Teil 1' });
    expect(first.status).toBe('partially matched');
    statement.book(first.allocations);
    const second = statement.match({ amount: '30.00', currency: 'EUR', remittance: 'RE-2026-00012 Rest' });
    expect(second).toMatchObject({ status: 'matched', rest: '11.00' });
    expect(allocated(second)).toEqual(['RE-2026-00012 19.00']);
    statement.book(second.allocations);
    const third = statement.match({ amount: '19.00', currency: 'EUR', remittance: 'RE-2026-00012 doppelt' });
    expect(third).toMatchObject({ status: 'unmatched', reason: 'RE-2026-00012 is not an open invoice (already paid?)' });
    expect(statement.match({ amount: '5.00', currency: 'EUR', remittance: 'Kd 4711' }).allocations.map((a) => a.number)).toEqual(['RE-2026-00013']);
    expect(() => statement.settle(['RE-2026-00012'], '1')).toThrow(/not an open invoice/);
    expect(() => statement.book(first.allocations)).toThrow(BillingError);
    expect(index.match({ amount: '19.00', currency: 'EUR', remittance: 'RE-2026-00012' }).status).toBe('partially matched'); // other indexes keep their own open amounts
  });

  it('suggestions by amount follow the open amount left', () => {
    const statement = new MatchIndex(OPEN, ACCOUNTS);
    statement.book([{ invoiceId: 'I-RE202600020', number: 'RE-2026-00020', amount: '38.00' }]);
    expect(statement.match({ amount: '238.00', currency: 'EUR', remittance: 'x' }).suggestions).toEqual([]);
    expect(statement.match({ amount: '200', currency: 'EUR', remittance: 'x' }).suggestions.map((s) => s.number)).toEqual(['RE-2026-00020']);
  });
});

// ---------- properties ----------

const PREFIXES = ['RE', 'INV', 'AB', 'GM']; // no prefix ends another: a separator inside one cannot start a different number
const WORD_LETTERS = 'cdfhklopqstuwxyzCDFHKLOPQSTUWXYZäöü'; // none in a prefix: words never run into a number
const SEPARATORS = [' ', '-', '.', '/', '_', '\n', ' - '];

const numberArb = fc
  .record({
    prefix: fc.constantFrom(...PREFIXES),
    sep: fc.constantFrom('-', '', '/', '.'),
    year: fc.integer({ min: 2020, max: 2030 }),
    seq: fc.integer({ min: 1, max: 99999 }),
    width: fc.integer({ min: 3, max: 6 }),
  })
  .map((n) => `${n.prefix}${n.sep}${n.year}${n.sep}${String(n.seq).padStart(n.width, '0')}`);
const wordArb = fc.string({ unit: fc.constantFrom(...WORD_LETTERS), minLength: 1, maxLength: 8 });
const wordsArb = fc.array(wordArb, { maxLength: 4 });

/** The number as someone might type it: separators and line breaks anywhere inside, any case. */
function mangle(number: string, seps: readonly (string | null)[], upper: readonly boolean[]): string {
  return [...number].map((ch, i) => (i > 0 && seps[i] ? seps[i] : '') + (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join('');
}

describe('properties', () => {
  it('(a) a number typed with any separators and case inside, among words, finds exactly that invoice', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(numberArb, { minLength: 1, maxLength: 30, selector: referenceBody }),
        fc.nat(),
        fc.array(fc.option(fc.constantFrom(...SEPARATORS), { nil: null, freq: 3 }), { minLength: 20, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        wordsArb,
        wordsArb,
        fc.constantFrom(' ', '\n', ', '),
        (numbers, pick, seps, upper, before, after, glue) => {
          const invoices = numbers.map((n, i) => inv(n, { invoiceId: `I-${i}`, reference: creditorReference(n) ?? '', accountId: `A${i}` }));
          const target = invoices[pick % invoices.length];
          const text = [...before, mangle(target.number, seps, upper), ...after].join(glue);
          const r = new MatchIndex(invoices, []).match({ amount: '1.00', currency: 'EUR', remittance: text });
          check(text, r.status !== 'unmatched', `unmatched (${r.reason})`);
          check(text, r.allocations.length === 1 && r.allocations[0].invoiceId === target.invoiceId, `allocated ${allocated(r)} instead of ${target.number}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  const amountArb = (max: number) => fc.tuple(fc.integer({ min: 1, max }), fc.constantFrom(0, 1, 2, 3)).map(([n, dp]) => new D(n).div(10 ** dp).toFixed(dp));

  it('(b) allocations never exceed an open amount; allocations plus rest are the payment exactly; rest ≥ 0', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ open: amountArb(100_000), day: fc.integer({ min: 1, max: 28 }) }), { minLength: 1, maxLength: 6 }), amountArb(300_000), (rows, amount) => {
        const invoices = rows.map((r, i) => inv(`RE-2026-${String(i + 1).padStart(5, '0')}`, { open: r.open, invoiceDate: `2026-01-${String(r.day).padStart(2, '0')}` }));
        const text = `Zahlung ${invoices.map((i) => i.number).join(' und ')}`;
        const open = new Map(invoices.map((i) => [i.invoiceId, new D(i.open)]));
        const results = [new MatchIndex(invoices, []).match({ amount, currency: 'EUR', remittance: text }), { ...settleOldestFirst(invoices, amount), status: 'by hand' }];
        for (const r of results) {
          const where = `${text} (${amount}, ${r.status})`;
          for (const a of r.allocations) check(where, new D(a.amount).gt(0) && new D(a.amount).lte(open.get(a.invoiceId)!), `${a.number} takes ${a.amount} of ${open.get(a.invoiceId)}`);
          const total = r.allocations.reduce((s, a) => s.plus(a.amount), new D(r.rest));
          check(where, total.eq(amount), `allocations + rest = ${total}, not ${amount}`);
          check(where, new D(r.rest).gte(0), `rest ${r.rest}`);
          const full = r.allocations.every((a) => new D(a.amount).eq(open.get(a.invoiceId)!)) && r.allocations.length === invoices.length;
          check(where, new D(r.rest).isZero() || full, `rest ${r.rest} while invoices stay open`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('(c) after any bookings, the suggestions by amount are the oldest invoices open for exactly that amount', () => {
    const PRICES = ['119.00', '59.50', '238.00'];
    const step = fc.record({ at: fc.nat(), part: fc.constantFrom('all', '59.50', '0.50'), ask: fc.constantFrom(...PRICES, '178.50', '118.50') });
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: fc.constantFrom(...PRICES), day: fc.integer({ min: 1, max: 28 }) }), { minLength: 1, maxLength: 40 }),
        fc.array(step, { maxLength: 60 }),
        (rows, steps) => {
          const invoices = rows.map((r, i) => inv(`RE-2026-${String(i + 1).padStart(5, '0')}`, { open: r.price, invoiceDate: `2026-01-${String(r.day).padStart(2, '0')}` }));
          const open = new Map(invoices.map((i) => [i.invoiceId, new D(i.open)]));
          const index = new MatchIndex(invoices, []);
          const oldest = [...invoices].sort((a, b) => a.invoiceDate.localeCompare(b.invoiceDate) || a.number.localeCompare(b.number));
          for (const [k, st] of steps.entries()) {
            const target = invoices[st.at % invoices.length];
            const left = open.get(target.invoiceId)!;
            const part = st.part === 'all' ? left : D.min(left, new D(st.part));
            if (part.gt(0)) {
              index.book([{ invoiceId: target.invoiceId, number: target.number, amount: part.toFixed(2) }]);
              open.set(target.invoiceId, left.minus(part));
            }
            const want = oldest
              .filter((i) => open.get(i.invoiceId)!.eq(st.ask))
              .slice(0, 5)
              .map((i) => i.number);
            const got = index.match({ amount: st.ask, currency: 'EUR', remittance: 'Miete' }).suggestions.map((x) => x.number);
            check(
              `step ${k + 1}: ${part.toFixed(2)} on ${target.number}, then ${st.ask} asked`,
              JSON.stringify(got) === JSON.stringify(want),
              `suggested ${got.join(', ') || 'nothing'}, not ${want.join(', ') || 'nothing'}`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
