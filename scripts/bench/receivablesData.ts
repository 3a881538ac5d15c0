// Generated receivables data for `npm run bench` (scripts/bench/receivables.ts) and the call-count
// test (tests/scenarios/receivablesCalls.test.ts): a workbook with N finalized open invoices and a
// camt.053.001.08 statement that pays them in the ways customers do.
//
// The invoices are built directly in the engine's record shape (toRowValues), not by an invoice run
// and finalize: for 10,000 invoices those take about 1.3 s + 3.1 s, the direct build a few hundred
// ms. What the receivables import reads is all there and consistent, so its reconcile step finds
// nothing to write: one line per invoice, a hash chain that verifies, the number range at the last
// invoice, a Balances row of kind 'invoice' per invoice, and Open Amount / Payment Status as the
// Balances rows say on the bench's day.
import type { Cell } from '../../src/core/cells';
import { DE_TENANT } from '../../tests/support/fixtures';
import { addDays } from '../../src/core/dates';
import { invoiceHash } from '../../src/core/hash';
import type { Balance, Invoice, InvoiceLine } from '../../src/core/model';
import { D } from '../../src/core/money';
import { MoneyBook } from '../../src/core/receivables/posting';
import { creditorReference, printedReference } from '../../src/core/receivables/rf';
import { SCHEMA, type TableName } from '../../src/core/schema';
import { toRowValues } from '../../src/core/table';
import { sha256Hex } from '../../src/node/memoryHost';
import { MemoryTables } from '../../src/node/memoryTables';
import { type Booking, camt053 } from '../../src/node/sampleStatement';

/** The bench's day: the clock of the ports that import (due dates before it are overdue). */
export const RECEIVABLES_NOW = '2026-12-01T08:00:00Z';
export const COMPANY_IBAN = 'DE89370400440532013000';
/** Net prices of the plans sold. */
const PRICES = [49, 99, 149, 199, 249, 299, 499, 799, 999, 1499];
/** Invoices per account (the customer-number payments settle the oldest of them first). */
const PER_ACCOUNT = 4;

/** A German IBAN with valid check digits for an account number. */
export function germanIban(account: number): string {
  const bban = `37040044${String(account).padStart(10, '0')}`;
  // DE = 13 14; check digits 00 while computing them (ISO 13616, mod 97).
  const digits = `${bban}131400`;
  let r = 0;
  for (const c of digits) r = (r * 10 + Number(c)) % 97;
  return `DE${String(98 - r).padStart(2, '0')}${bban}`;
}

const accountId = (a: number) => `K${10000 + a}`;
const accountName = (a: number) => `Firma ${a} Bau GmbH`;
/** Every third account has an IBAN on file (payer suggestions by IBAN). */
const accountIban = (a: number) => (a % 3 === 0 ? germanIban(a) : undefined);

function sheetOf(name: TableName, rows: Record<string, Cell>[]) {
  const cols = SCHEMA[name].columns;
  return { headers: cols.map((c) => c.header), rows: rows.map((r) => cols.map((c) => (r[c.key] === undefined ? '' : r[c.key]))) };
}

export interface OpenInvoiceRow {
  invoiceId: string;
  number: string;
  accountId: string;
  accountName: string;
  iban?: string;
  payable: string;
  reference: string;
}

/**
 * A workbook with `n` finalized invoices (one line each, 4 per account, invoice dates from June to
 * November 2026, due 14 days later), all unpaid: Settings, Accounts, Invoices, InvoiceLines,
 * NumberRanges and Balances filled, every other sheet with its header row only.
 */
export function receivablesWorkbook(n: number): { tables: MemoryTables; invoices: OpenInvoiceRow[] } {
  const tables = MemoryTables.template();
  const accounts = Math.ceil(n / PER_ACCOUNT);
  const at = '2026-11-30T18:00:00.000Z';
  const by = 'bench@example.com';
  const invoices: Invoice[] = [];
  const lines: InvoiceLine[] = [];
  const balances: Balance[] = [];
  const rows: OpenInvoiceRow[] = [];
  let previousHash = '';
  for (let i = 0; i < n; i++) {
    const a = Math.floor(i / PER_ACCOUNT);
    const seq = i + 1;
    const number = `INV-2026-${String(seq).padStart(5, '0')}`;
    const invoiceDate = addDays('2026-06-01', Math.floor((i * 182) / n));
    // A subscription business bills a few prices: a thousand invoices open for each amount.
    const net = new D(PRICES[i % PRICES.length]);
    const tax = net.mul('0.19').toDecimalPlaces(2);
    const gross = net.plus(tax);
    const invoiceId = `I-${String(seq).padStart(6, '0')}`;
    const line: InvoiceLine = {
      invoiceId,
      lineNo: 1,
      kind: 'recurring',
      productId: 'P1',
      description: 'Wartungsvertrag',
      serviceStart: invoiceDate.slice(0, 8) + '01',
      serviceEnd: invoiceDate,
      quantity: new D(1),
      unit: 'C62',
      unitPrice: net,
      periodFactor: new D(1),
      net,
      taxCategory: 'S',
      taxRate: new D(19),
      taxClass: 'standard',
    };
    const inv: Invoice = {
      invoiceId,
      key: `M:${invoiceId}`,
      type: 'invoice',
      status: 'Open',
      number,
      tenantId: 'DE',
      accountId: accountId(a),
      invoiceDate,
      dueDate: addDays(invoiceDate, 14),
      currency: 'EUR',
      net,
      tax,
      gross,
      rounding: new D(0),
      payable: gross,
      taxSummary: `S 19%: ${net.toFixed(2)} → ${tax.toFixed(2)}`,
      buyerName: accountName(a),
      buyerAddress: 'Weg 2, 80331 München',
      buyerCountry: 'DE',
      customerType: 'B2B',
      language: 'de',
      paymentReference: creditorReference(number),
      finalizedAt: at,
      finalizedBy: by,
    };
    inv.previousHash = previousHash;
    inv.hash = invoiceHash({ invoice: inv, lines: [line] }, previousHash, sha256Hex);
    previousHash = inv.hash;
    invoices.push(inv);
    lines.push(line);
    balances.push({
      balanceId: `B-${String(seq).padStart(7, '0')}`,
      date: invoiceDate,
      kind: 'invoice',
      accountId: inv.accountId,
      invoiceId,
      number,
      amount: gross,
      currency: 'EUR',
      source: 'finalize',
      at,
      by,
    });
    rows.push({ invoiceId, number, accountId: inv.accountId, accountName: accountName(a), iban: accountIban(a), payable: gross.toFixed(2), reference: inv.paymentReference! });
  }
  // Open Amount and Payment Status as the Balances rows say on the bench's day (Overdue after the due date).
  const book = new MoneyBook(balances, { today: RECEIVABLES_NOW.slice(0, 10), now: RECEIVABLES_NOW, user: by });
  for (const inv of invoices) Object.assign(inv, book.openFields(inv));
  const set = (name: TableName, records: object[]) =>
    tables.sheets.set(
      name,
      sheetOf(
        name,
        records.map((r) => toRowValues(name, r)),
      ),
    );
  set('Settings', [{ ...DE_TENANT, iban: COMPANY_IBAN }]);
  set(
    'Accounts',
    Array.from({ length: accounts }, (_, a) => ({
      accountId: accountId(a),
      name: accountName(a),
      status: 'Active',
      customerType: 'B2B',
      country: 'DE',
      street: 'Weg 2',
      postalCode: '80331',
      city: 'München',
      iban: accountIban(a),
    })),
  );
  set('Invoices', invoices);
  set('InvoiceLines', lines);
  set('Balances', balances);
  set('NumberRanges', n ? [{ range: 'DE/invoice/*', lastSeq: n, lastNumber: invoices[n - 1].number, lastHash: previousHash, updatedAt: at }] : []);
  return { tables, invoices: rows };
}

/** How many statement entries of each kind (a fixed mix, by entry position). */
export type EntryKind = 'number' | 'rf' | 'rf-text' | 'customer' | 'partial' | 'overpaid' | 'unmatched' | 'return' | 'outgoing';

/**
 * The kind of the i-th entry: in 20 entries, 5 with the invoice number in the text (plain, lower
 * case with spaces, split by a line break), 4 with the RF reference structured, 2 printed in the
 * text, 2 with the customer number only, 2 partial payments, 2 overpayments (RF + 10.00), 2 that
 * match nothing (payer name, every third with a known IBAN) and one more by number; of those
 * last, every fifth (1 in 100 entries) is a return debit of the payment 19 entries earlier, and one
 * in 1,000 entries is the company's own spending (outgoing, not booked).
 */
export function entryKind(i: number): EntryKind {
  const k = i % 20;
  if (k < 5) return 'number';
  if (k < 9) return 'rf';
  if (k < 11) return 'rf-text';
  if (k < 13) return 'customer';
  if (k < 15) return 'partial';
  if (k < 17) return 'overpaid';
  if (k < 19) return 'unmatched';
  if (i % 1000 === 999) return 'outgoing';
  return i % 100 === 99 ? 'return' : 'number';
}

/** Bookings paying the invoices: entry i is about invoice i (modulo the invoices). */
export function receivablesBookings(invoices: readonly OpenInvoiceRow[], entries: number): Booking[] {
  const out: Booking[] = [];
  for (let i = 0; i < entries; i++) {
    const inv = invoices[i % invoices.length];
    const date = addDays('2026-11-02', i % 28);
    const payer = { name: inv.accountName.toUpperCase(), iban: inv.iban ?? germanIban(50000 + (i % 1000)) };
    const bankReference = `BANK-${String(i + 1).padStart(7, '0')}`;
    const kind = entryKind(i);
    switch (kind) {
      case 'number': {
        const shown = i % 3 === 0 ? inv.number : i % 3 === 1 ? inv.number.toLowerCase().replace(/-/g, ' ') : inv.number.replace(/(\d{3})$/, '\n$1');
        out.push({ date, amount: inv.payable, ...payer, text: `Rechnung ${shown} vom 30.11.2026`, bankReference });
        break;
      }
      case 'rf':
        out.push({ date, amount: inv.payable, ...payer, reference: inv.reference, bankReference });
        break;
      case 'rf-text':
        out.push({ date, amount: inv.payable, ...payer, text: `${printedReference(inv.reference)} Danke`, bankReference });
        break;
      case 'customer':
        out.push({ date, amount: inv.payable, ...payer, text: `Kd-Nr. ${inv.accountId} Abschlag`, bankReference });
        break;
      case 'partial':
        out.push({ date, amount: new D(inv.payable).div(2).toFixed(2), ...payer, text: `Teilzahlung ${inv.number}`, bankReference });
        break;
      case 'overpaid':
        out.push({ date, amount: new D(inv.payable).plus(10).toFixed(2), ...payer, reference: inv.reference, bankReference });
        break;
      case 'unmatched':
        out.push({ date, amount: '12.34', name: `${inv.accountName.split(' ').slice(0, 2).join(' ')} BAU`, iban: inv.iban, text: 'Miete Dezember Wohnung 3 OG links', bankReference });
        break;
      case 'return': {
        // The payment 19 entries earlier (by invoice number, paid in full) comes back.
        const paid = invoices[(i - 19) % invoices.length];
        out.push({
          date,
          amount: paid.payable,
          direction: 'DBIT',
          ...payer,
          text: `RUECKLASTSCHRIFT ${paid.number}`,
          endToEndId: paid.number,
          mandateId: `M-${paid.accountId}`,
          returnReason: 'MD06',
          bankReference,
        });
        break;
      }
      case 'outgoing':
        out.push({ date, amount: '35.00', direction: 'DBIT', name: 'Buerobedarf AG', text: 'Rechnung 4711 Toner', bankReference });
        break;
    }
  }
  return out;
}

/** The statement as importPayments takes it. */
export function receivablesStatement(invoices: readonly OpenInvoiceRow[], entries: number, id = 'STMT-BENCH'): { name: string; text: string } {
  return { name: `${id}.xml`, text: camt053({ id, iban: COMPANY_IBAN, owner: 'Muster GmbH', created: '2026-12-01T06:00:00', bookings: receivablesBookings(invoices, entries) }) };
}
