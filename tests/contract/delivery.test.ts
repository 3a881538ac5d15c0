// The delivery contract: the same scenarios against both hosts' real adapters. Apps Script: the
// built dist/Code.js on the fakes (Drive, Docs, MailApp with its daily quota), driven through its
// entry points. Node: the local host's pdfkit files and .eml outbox, delivering over SMTP to a
// server on 127.0.0.1. Both run the one rule set of src/app/delivery/; what may differ is only
// what a host can know (Node's outbox tells whether an interrupted mail went out; MailApp does not)
// and can make (a Drive PDF cannot carry its XML; a local PDF/A can, as Factur-X).
import { startSmtp, type Smtp } from '../support/smtpServer';
import { simpleParser } from 'mailparser';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { markSent } from '../../src/app/delivery';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { runInvoicing } from '../../src/app/runInvoicing';
import type { TableName } from '../../src/core/schema';
import { renderFinalPdfs } from '../../src/node/documents';
import { JsonFileStore } from '../../src/node/jsonStore';
import { memoryPorts } from '../../src/node/memoryHost';
import { sendInvoices } from '../../src/node/outbox';
import { isFacturXPdf } from '../../src/node/pdfa';
import { createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { DE_TENANT, TAX_RULES } from '../support/fixtures';
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf, seedTable } from '../support/gasHarness';

type Rows = Partial<Record<TableName, Record<string, unknown>[]>>;
type Row = Record<string, unknown>;

/** n German customers with one 100.00 subscription each and one invoice contact (one recipient per mail). */
function customers(n: number, account: (i: number) => Record<string, string | undefined> = () => ({}), tenant: Record<string, string> = {}): Rows {
  const ids = Array.from({ length: n }, (_, i) => i);
  return {
    Settings: [{ ...DE_TENANT, email: 'billing@muster.example', phone: '+49 30 1234567', billingAdmins: 'admin@example.com', ...tenant }],
    TaxRules: TAX_RULES,
    Products: [{ productId: 'P1', name: 'Plan', price: '100.00', taxClass: 'standard', priceModel: 'per_unit', unit: 'Monat' }],
    Accounts: ids.map((i) => ({ accountId: `A${i}`, name: `Kunde ${i}`, status: 'Active', customerType: 'B2B', country: 'DE', street: 'Weg 2', postalCode: '80331', city: 'München', ...account(i) })),
    Contacts: ids.map((i) => ({ contactId: `C${i}`, accountId: `A${i}`, email: `a${i}@kunde.example`, role: 'invoice' })),
    Subscriptions: ids.map((i) => ({ subscriptionId: `S${i}`, accountId: `A${i}`, status: 'Active', startDate: '2026-01-01', billingPeriod: 'monthly', billingTiming: 'advance' })),
    Items: ids.map((i) => ({ itemId: `I${i}`, subscriptionId: `S${i}`, productId: 'P1', quantity: 1, billingType: 'recurring', status: 'Active', billedUntil: '2026-10-31' })),
  };
}

interface SendResult {
  sent: string[];
  /** Delivered by an interrupted call, as the host's records show: recorded now, not mailed again. */
  recovered: string[];
  uncertain: string[];
  failed: { number: string; reason: string }[];
  queued: number;
}

/** One host, seen the same way by every scenario. Invoices are named by their number. */
interface Host {
  /** Its records tell whether a mail an interrupted call left "sending" went out (Node's outbox). */
  knowsOutbox: boolean;
  /** Its PDFs can carry the e-invoice inside (Factur-X). */
  embedsXml: boolean;
  /** Invoice number per account id, after November was billed and finalized. */
  numbers: Map<string, string>;
  documents(): Promise<{ made: string[]; refused: { number: string; reason: string }[] }>;
  send(o?: { ids?: string[]; resend?: boolean }): Promise<SendResult>;
  markSent(ids: string[]): Promise<string[]>;
  /** Number → Delivery, from the ledger as stored. */
  deliveries(): Promise<Record<string, string>>;
  /** Files of this invoice in the host's storage (PDF, XML), by name. */
  files(number: string): string[];
  /** The mails delivered for this invoice: attachment names, and whether the PDF carries the XML. */
  mails(number: string): Promise<{ attachments: string[]; pdfCarriesXml: boolean }[]>;
  log(): Promise<[string, string, string][]>;
  /** The mail service takes only `recipients` more today. */
  limitMail(recipients: number): void;
  /** A new day: the mail quota is back. */
  nextDay(): void;
  /** The next send dies after its batch's mails went out, before their results are stored. */
  crashWhenStoringResults(): void;
}

const hosts: [string, (rows: Rows, invoiceDate?: string) => Promise<Host>][] = [
  ['Apps Script', appsScript],
  ['Node', node],
];

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');

async function appsScript(rows: Rows, invoiceDate = '2026-11-30'): Promise<Host> {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
  for (const [name, list] of Object.entries(rows)) seedTable(ss, name as TableName, list!);
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  let run = admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate });
  while (!run.done) run = admin.exec('continueRun', run.runId);
  expect(admin.exec('finalizeInvoices', {}).failed).toEqual([]);
  const invoices = () => rowsOf(ss, 'Invoices');
  const live = (name: string) => ss.drive.byName(name).filter((f) => !f.trashed);
  const byNumber = (n: string) => invoices().find((i) => i.Number === n)!;
  let crash = false;
  const call = ss.call.bind(ss);
  ss.call = (name: string, cells?: number, sheet?: string, ms?: number) => {
    if (crash && name === 'MailApp.sendEmail') crash = 'mailed' as unknown as boolean;
    if ((crash as unknown) === 'mailed' && name === 'setValues' && sheet === 'Invoices') {
      crash = false;
      throw new Error('Exceeded maximum execution time');
    }
    return call(name, cells, sheet, ms);
  };
  return {
    knowsOutbox: false,
    embedsXml: false,
    numbers: new Map(invoices().map((i) => [String(i['Account ID']), String(i.Number)])),
    async documents() {
      const r = admin.exec('renderDocuments', {});
      return { made: r.rendered.map((x: Row) => x.number), refused: r.failed.map((f: Row) => ({ number: f.number, reason: f.reason })) };
    },
    async send(o = {}) {
      const r = admin.exec('sendInvoices', { invoiceIds: o.ids, resend: o.resend });
      return {
        sent: r.sent.map((s: Row) => s.number),
        recovered: [],
        uncertain: r.uncertain.map((u: Row) => u.number),
        failed: r.failed.map((f: Row) => ({ number: f.number, reason: f.reason })),
        queued: r.queued,
      };
    },
    async markSent(ids) {
      return admin.exec('markInvoicesSent', ids);
    },
    async deliveries() {
      return Object.fromEntries(invoices().map((i) => [i.Number, i.Delivery]));
    },
    files(number) {
      const name = `${number}_${invoiceDate}`;
      const inv = byNumber(number);
      return [`${name}.pdf`, `${name}.xml`].filter((f) => live(f).length && (inv['PDF URL'] || inv['XML URL']));
    },
    async mails(number) {
      return ss.mail.sent
        .filter((m) => m.subject.includes(number))
        .map((m) => ({ attachments: m.attachments.map((a) => a.name ?? ''), pdfCarriesXml: m.attachments.some((a) => a.name?.endsWith('.pdf') && a.data.includes('factur-x.xml')) }));
    },
    async log() {
      return rowsOf(ss, 'Log').map((l) => [String(l.Action), String(l.Number), String(l.Details)]);
    },
    limitMail(recipients) {
      ss.quotas.mailRecipientsPerDay = ss.daily().mailRecipients + recipients;
    },
    nextDay() {
      ss.advance(24 * 3600_000);
      ss.quotas.mailRecipientsPerDay = 100;
    },
    crashWhenStoringResults() {
      crash = true;
    },
  };
}

/** The SMTP server of the Node host: past `left` messages it answers 452 (a daily sending limit). */
let smtp: Smtp & { left: number };
beforeAll(async () => {
  const server = await startSmtp(() => {
    if (smtp.left <= 0) return { code: 452, message: '4.5.3 daily sending limit reached, try again tomorrow' };
    smtp.left--;
    return 'accept';
  });
  smtp = Object.assign(server, { left: Infinity });
});
const temps: string[] = [];
afterAll(async () => {
  await smtp.close();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

async function node(rows: Rows, invoiceDate = '2026-11-30'): Promise<Host> {
  const dir = mkdtempSync(join(tmpdir(), 'billing-contract-'));
  temps.push(dir);
  const path = join(dir, 'book.xlsx');
  const out = join(dir, 'out');
  await createWorkbook(path, rows as Parameters<typeof createWorkbook>[1]);
  const NOW = () => new Date('2026-12-02T08:00:00Z');
  /** The workbook as on disk (as the next CLI command opens it). */
  const open = async () => {
    const book = await openWorkbook(path);
    return { book, ports: memoryPorts(book.tables, { now: NOW, kv: JsonFileStore.beside(path), user: 'admin@example.com' }) };
  };
  let w = await open();
  runInvoicing(w.ports, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate });
  expect(finalizeInvoices(w.ports, {}).failed).toEqual([]);
  await w.book.save();
  smtp.accepted.length = 0;
  smtp.left = Infinity;
  let crash = false;
  const invoices = () => w.book.tables.objects('Invoices');
  const mine = (number: string) => smtp.accepted.filter((m) => m.subject.includes(number));
  return {
    knowsOutbox: true,
    embedsXml: true,
    numbers: new Map(invoices().map((i) => [String(i['Account ID']), String(i['Number'])])),
    async documents() {
      const files = await renderFinalPdfs(w.ports, out);
      await w.book.save();
      return { made: files.filter((f) => !f.problem).map((f) => f.number!), refused: files.filter((f) => f.problem).map((f) => ({ number: f.number!, reason: f.problem! })) };
    },
    async send(o = {}) {
      let saves = 0;
      const dies = crash;
      crash = false;
      const flush = async () => {
        if (dies && ++saves === 2) throw new Error('killed');
        await w.book.save();
      };
      try {
        const r = await sendInvoices(w.ports, { outDir: out, smtp: { host: '127.0.0.1', port: smtp.port }, ids: o.ids, resend: o.resend, flush });
        await w.book.save();
        return {
          sent: r.sent.filter((s) => !s.recovered).map((s) => s.number),
          recovered: r.sent.filter((s) => s.recovered).map((s) => s.number),
          uncertain: r.uncertain.map((u) => u.number),
          failed: r.failed.map((f) => ({ number: f.number!, reason: f.reason })),
          queued: r.queued,
        };
      } finally {
        // A killed process: the next command opens what is on disk.
        if (dies) w = await open();
      }
    },
    async markSent(ids) {
      const r = markSent(w.ports, ids);
      await w.book.save();
      return r;
    },
    async deliveries() {
      return Object.fromEntries((await openWorkbook(path)).tables.objects('Invoices').map((i) => [String(i['Number']), String(i['Delivery'] ?? '')]));
    },
    files(number) {
      const all = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      return all.map((e) => e.name).filter((n) => n.startsWith(`${number}_`) && /\.(pdf|xml)$/.test(n));
    },
    async mails(number) {
      return Promise.all(
        mine(number).map(async (m) => {
          const parsed = await simpleParser(m.raw);
          const pdf = parsed.attachments.find((a) => a.filename?.endsWith('.pdf'));
          return { attachments: parsed.attachments.map((a) => a.filename ?? ''), pdfCarriesXml: !!pdf && isFacturXPdf(new Uint8Array(pdf.content)) };
        }),
      );
    },
    async log() {
      return (await openWorkbook(path)).tables.objects('Log').map((l) => [String(l['Action']), String(l['Number'] ?? ''), String(l['Details'] ?? '')]);
    },
    limitMail(recipients) {
      smtp.left = recipients;
    },
    nextDay() {
      smtp.left = Infinity;
    },
    crashWhenStoringResults() {
      crash = true;
    },
  };
}

const sorted = (a: string[]) => [...a].sort();

describe.each(hosts)('delivery contract: %s', (_name, make) => {
  it('missing XRechnung data refuses that invoice’s documents, naming the invoice and the field: no file, a Log row; the others are made, and send never mails it', async () => {
    // A1 gets XRechnung (a Leitweg-ID) but has no address.
    const h = await make(customers(3, (i) => (i === 1 ? { buyerReference: '04011000-1234512345-06', city: '', postalCode: '' } : {})));
    const [n0, n1, n2] = ['A0', 'A1', 'A2'].map((a) => h.numbers.get(a)!);
    const docs = await h.documents();
    expect(sorted(docs.made)).toEqual(sorted([n0, n2]));
    expect(docs.refused.map((r) => r.number)).toEqual([n1]);
    expect(docs.refused[0].reason).toContain(`${n1}: no XRechnung: Accounts (A1): City and Postal Code are required (BR-DE-8, BR-DE-9)`);
    expect([n0, n1, n2].map((n) => [n, h.files(n).length])).toEqual([
      [n0, 1],
      [n1, 0],
      [n2, 1],
    ]);
    expect((await h.log()).filter(([action]) => action === 'document failed').map(([, number]) => number)).toEqual([n1]);

    const s = await h.send();
    expect(sorted(s.sent)).toEqual(sorted([n0, n2]));
    expect(s.failed.map((f) => [f.number, f.reason.startsWith(`no document: ${n1}: no XRechnung: `)])).toEqual([[n1, true]]);
    expect((await h.mails(n1)).length).toBe(0);
    expect(await h.deliveries()).toEqual({ [n0]: 'sent', [n1]: 'failed', [n2]: 'sent' });
    expect(h.files(n1)).toEqual([]);
  });

  it('the mail quota runs out mid-send: the first mails go out, the rest wait queued (not failed); the next day they go out, none twice', async () => {
    const h = await make(customers(4));
    const numbers = ['A0', 'A1', 'A2', 'A3'].map((a) => h.numbers.get(a)!);
    h.limitMail(2);
    const first = await h.send();
    expect([first.sent, first.failed, first.queued]).toEqual([numbers.slice(0, 2), [], 2]);
    expect(await h.deliveries()).toEqual(Object.fromEntries(numbers.map((n, i) => [n, i < 2 ? 'sent' : 'queued'])));
    h.nextDay();
    const next = await h.send();
    expect([next.sent, next.failed, next.queued]).toEqual([numbers.slice(2), [], 0]);
    const counts = await Promise.all(numbers.map(async (n) => [n, (await h.mails(n)).length]));
    expect(counts).toEqual(numbers.map((n) => [n, 1]));
  });

  it('a crash after "sending": the batch went out, its results were not stored; the next send mails none of it again and settles it by what the host knows', async () => {
    const h = await make(customers(3));
    const numbers = ['A0', 'A1', 'A2'].map((a) => h.numbers.get(a)!);
    h.crashWhenStoringResults();
    await expect(h.send()).rejects.toThrow();
    expect(Object.values(await h.deliveries())).toEqual(['sending', 'sending', 'sending']);
    const next = await h.send();
    // Node's outbox shows each mail was accepted: recorded as sent. MailApp leaves no such record: uncertain.
    expect([next.sent, next.failed, h.knowsOutbox ? next.recovered : next.uncertain]).toEqual([[], [], numbers]);
    expect(Object.values(await h.deliveries())).toEqual(h.knowsOutbox ? ['sent', 'sent', 'sent'] : ['sending', 'sending', 'sending']);
    const counts = await Promise.all(numbers.map(async (n) => [n, (await h.mails(n)).length]));
    expect(counts).toEqual(numbers.map((n) => [n, 1]));
    // Sending again without names still mails none of them.
    expect((await h.send()).sent).toEqual([]);
  });

  it('resend by name mails an invoice again; mark-sent records one as sent with a Log row and mails nothing', async () => {
    const h = await make(customers(2));
    const [n0, n1] = ['A0', 'A1'].map((a) => h.numbers.get(a)!);
    h.crashWhenStoringResults();
    await expect(h.send()).rejects.toThrow();
    await h.send();
    const again = await h.send({ ids: [n0], resend: true });
    expect([again.sent, again.failed, again.uncertain]).toEqual([[n0], [], []]);
    expect(await h.markSent([n1])).toEqual([n1]);
    expect(await h.deliveries()).toEqual({ [n0]: 'sent', [n1]: 'sent' });
    expect([(await h.mails(n0)).length, (await h.mails(n1)).length]).toEqual([2, 1]);
    expect((await h.log()).filter(([action]) => action === 'marked sent').map(([, number]) => number)).toEqual([n1]);
  });

  it('Factur-X attachment rule: a mail carries the e-invoice exactly once, inside the PDF where the host embeds it, else as its XML file', async () => {
    const h = await make(customers(3, (i) => [{ eInvoiceFormat: 'zugferd' }, { buyerReference: '04011000-1234512345-06' }, {}][i]));
    const [zugferd, xrechnung, plain] = ['A0', 'A1', 'A2'].map((a) => h.numbers.get(a)!);
    expect((await h.documents()).refused).toEqual([]);
    expect((await h.send()).failed).toEqual([]);
    const [z] = await h.mails(zugferd);
    const xmlFiles = (m: { attachments: string[] }) => m.attachments.filter((a) => a.endsWith('.xml'));
    // The PDF carries it (Node's PDF/A-3) or the XML goes beside it (a Drive PDF cannot carry it): once, never both.
    expect([z.pdfCarriesXml, xmlFiles(z)]).toEqual(h.embedsXml ? [true, []] : [false, [`${zugferd}_2026-11-30.xml`]]);
    const [x] = await h.mails(xrechnung);
    expect([x.pdfCarriesXml, x.attachments.map((a) => basename(a))]).toEqual([false, [`${xrechnung}_2026-11-30.pdf`, `${xrechnung}_2026-11-30.xml`]]);
    const [p] = await h.mails(plain);
    expect(p.attachments).toEqual([`${plain}_2026-11-30.pdf`]);
  });

  it('German e-invoice mandate: invoices dated 2027-01-04 get an e-invoice by default; "none" without a reason too, with a Warning; the opted-out none, its reason in the Log', async () => {
    const reason = 'Kleinbetragsrechnungen (§ 33 UStDV)';
    const h = await make(
      customers(3, (i) => [{}, { eInvoiceFormat: 'none' }, { eInvoiceFormat: 'none', eInvoiceOptOut: reason }][i]),
      '2027-01-04',
    );
    const [plain, noReason, optedOut] = ['A0', 'A1', 'A2'].map((a) => h.numbers.get(a)!);
    expect((await h.documents()).refused).toEqual([]);
    const name = (n: string) => `${n}_2027-01-04`;
    expect([plain, noReason, optedOut].map((n) => h.files(n).sort())).toEqual([
      [`${name(plain)}.pdf`, `${name(plain)}.xml`],
      [`${name(noReason)}.pdf`, `${name(noReason)}.xml`],
      [`${name(optedOut)}.pdf`],
    ]);
    const notes = (await h.log()).filter(([action]) => action === 'e-invoice');
    expect(notes.map(([, number]) => number)).toEqual([noReason, optedOut]);
    expect(notes[0][2]).toMatch(/^Accounts row 3, column E-Invoice Opt-Out \(account A1\): E-Invoice Format is "none", but the German e-invoice mandate applies/);
    expect(notes[1][2]).toContain(`account A2 opted out (E-Invoice Opt-Out: ${reason})`);
  });
});
