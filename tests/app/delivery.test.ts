// Documents and email of finalized invoices (src/app/delivery.ts) with in-memory fakes of the
// DocumentsPort (Google Docs + Drive) and the MailPort (MailApp and its daily recipient quota).
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { pendingDelivery, previewDraft, queueRun, renderDocuments, sendInvoices } from '../../src/app/delivery';
import type { DocText } from '../../src/core/docText';
import type { InvoiceMail } from '../../src/core/mail';
import type { Tenant } from '../../src/core/model';
import type { DocumentsPort, MailPort, Ports } from '../../src/ports';
import type { MemoryTables } from '../../src/node/memoryTables';
import { DE_TENANT, account, item, ports, product, subscription, table, type Rows } from '../support/fixtures';

const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
const DEC = { periodStart: '2026-12-01', periodEnd: '2026-12-31' };
const NOW = '2026-11-30T12:00:00.000Z';
const DOCS_QUOTA = 'Service invoked too many times for one day: docs create.';
const MAIL_QUOTA = 'Service invoked too many times for one day: email.';

type P = Ports & { tables: MemoryTables };

class FakeDocs implements DocumentsPort {
  private n = 0;
  readonly renders: { number: string; title: string; tenantId: string; name: string; date: string; docUrl: string; pdfUrl: string }[] = [];
  readonly previews: { text: DocText; tenantId: string; name: string; url: string }[] = [];
  /** Each rendered document's text, by its number. */
  readonly texts = new Map<string, DocText>();
  /** Files in Drive; delete one to simulate a deleted PDF. */
  readonly files = new Set<string>();
  /** Throws for this invoice number. */
  failFor?: string;
  /** Documents that may still be made today (undefined: no limit). */
  quota?: number;
  /** Called on every render (before anything else), e.g. to advance a clock. */
  onRender?: () => void;

  render(text: DocText, tenant: Tenant, name: string, date: string): { docUrl: string; pdfUrl: string } {
    this.onRender?.();
    if (this.quota !== undefined) {
      if (this.quota <= 0) throw new Error(DOCS_QUOTA);
      this.quota--;
    }
    if (text.fields.number === this.failFor) throw new Error(`template of ${tenant.tenantId} is not readable`);
    this.n++;
    const r = { docUrl: `https://docs.google.com/document/d/DOC${this.n}/edit`, pdfUrl: `https://drive.google.com/file/d/PDF${this.n}/view` };
    this.files.add(r.docUrl);
    this.files.add(r.pdfUrl);
    this.renders.push({ number: text.fields.number, title: text.title, tenantId: tenant.tenantId, name, date, ...r });
    this.texts.set(text.fields.number, text);
    return r;
  }

  readonly xmls: { xml: string; name: string; url: string }[] = [];

  saveXml(xml: string, _tenant: Tenant, name: string): string {
    const url = `https://drive.google.com/file/d/XML${this.xmls.length + 1}/view`;
    this.xmls.push({ xml, name, url });
    this.files.add(url);
    return url;
  }

  preview(text: DocText, tenant: Tenant, name: string): string {
    const url = `https://drive.google.com/file/d/PREVIEW${this.previews.length + 1}/view`;
    this.previews.push({ text, tenantId: tenant.tenantId, name, url });
    return url;
  }

  exists(url: string): boolean {
    return this.files.has(url);
  }
}

class FakeMail implements MailPort {
  readonly sent: { mail: InvoiceMail; attachments: string[] }[] = [];
  /** Recipients left today. */
  left: number;
  /** What remainingQuota() claims, if not `left` (MailApp's count may be stale). */
  reported?: number;
  /** Sending to this address fails with another error. */
  failAddress?: string;
  onSend?: () => void;

  constructor(left = 100) {
    this.left = left;
  }

  remainingQuota(): number {
    return this.reported ?? this.left;
  }

  send(mail: InvoiceMail, attachmentUrls: string[]): void {
    this.onSend?.();
    const all = [...mail.to, ...mail.cc, ...mail.bcc];
    if (this.failAddress && all.includes(this.failAddress)) throw new Error(`Invalid email: ${this.failAddress}`);
    if (all.length > this.left) throw new Error(MAIL_QUOTA);
    this.left -= all.length;
    this.sent.push({ mail, attachments: attachmentUrls });
  }

  /** Invoice numbers sent, from the subject (the default English/German subject starts with type and number). */
  numbers(): string[] {
    return this.sent.map((s) => /(INV-\d{4}-\d{5})/.exec(s.mail.subject)![1]);
  }
}

/** Three German customers, one 100.00 item each; A1 has a cc and a bcc contact (3 recipients). */
function rows(extra: Rows = {}): Rows {
  return {
    Accounts: [account('A1'), account('A2'), account('A3')],
    Contacts: [
      { contactId: 'K1', accountId: 'A1', email: 'a1@example.com', role: 'invoice' },
      { contactId: 'K2', accountId: 'A1', email: 'a1-cc@example.com', role: 'cc' },
      { contactId: 'K3', accountId: 'A1', email: 'a1-bcc@example.com', role: 'bcc' },
      { contactId: 'K4', accountId: 'A1', email: 'a1-news@example.com', role: 'mailing' },
      { contactId: 'K5', accountId: 'A2', email: 'a2@example.com', role: 'invoice' },
      { contactId: 'K6', accountId: 'A3', email: 'a3@example.com', role: 'invoice' },
    ],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
    ...extra,
  };
}

/** Ports whose clock can be moved by the test (the fixtures' clock is fixed). */
function movingPorts(r: Rows): { p: P; clock: { ms: number } } {
  const base = ports(r);
  const clock = { ms: Date.parse(NOW) };
  const now = () => new Date(clock.ms);
  return { p: { ...base, clock: { now, today: () => now().toISOString().slice(0, 10), hour: () => now().getUTCHours() } }, clock };
}

/** Runs November and finalizes the given drafts (default: all): INV-2026-00001..3 for I-000001..3. */
function billed(p: P, invoiceIds?: string[]): void {
  const run = runInvoicing(p, NOV);
  expect(run.failed).toEqual([]);
  const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30', ...(invoiceIds ? { invoiceIds } : {}) });
  expect(fin.failed).toEqual([]);
}

function setup(extra: Rows = {}): P {
  const p = ports(rows(extra));
  billed(p);
  return p;
}

const inv = (p: P, id: string) => {
  const r = table(p, 'Invoices').find((x) => x['Invoice ID'] === id);
  if (!r) throw new Error(`no invoice ${id}`);
  return r;
};
/** [Invoice ID, Number, Doc URL, PDF URL] of every invoice row. */
const links = (p: P) => table(p, 'Invoices').map((r) => [r['Invoice ID'], r['Number'], r['Doc URL'], r['PDF URL']]);
/** [Invoice ID, Delivery, Sent To] of every invoice row. */
const deliveries = (p: P) => table(p, 'Invoices').map((r) => [r['Invoice ID'], r['Delivery'], r['Sent To']]);
const sendLog = (p: P) =>
  table(p, 'Log')
    .filter((l) => String(l['Action']).startsWith('send'))
    .map((l) => [l['Action'], l['Invoice ID'], l['Number'], l['Details']]);
const DOC = (n: number) => `https://docs.google.com/document/d/DOC${n}/edit`;
const PDF = (n: number) => `https://drive.google.com/file/d/PDF${n}/view`;
/** A user edits a cell of an invoice row. */
function setCell(p: P, invoiceId: string, header: string, value: string): void {
  const t = p.tables.sheets.get('Invoices')!;
  const row = t.rows.find((r) => r[t.headers.indexOf('Invoice ID')] === invoiceId)!;
  row[t.headers.indexOf(header)] = value;
}
const snapshot = (p: P) => JSON.stringify([...p.tables.sheets.entries()]);

describe('renderDocuments', () => {
  it('makes documents only for finalized invoices without a PDF and writes the links; a second call makes none', () => {
    const p = ports(rows());
    billed(p, ['I-000001', 'I-000002']); // I-000003 stays a draft
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices']))).toEqual({ documents: 2, queued: 0 });
    const docs = new FakeDocs();
    const r = renderDocuments(p, docs);
    expect(r).toEqual({
      rendered: [
        { invoiceId: 'I-000001', number: 'INV-2026-00001', docUrl: DOC(1), pdfUrl: PDF(1) },
        { invoiceId: 'I-000002', number: 'INV-2026-00002', docUrl: DOC(2), pdfUrl: PDF(2) },
      ],
      failed: [],
      remaining: 0,
      quotaExhausted: false,
    });
    // File name "<number>_<invoice date>", the date for the <yyyy>/<mm> folder, the tenant, the words of the invoice.
    expect(docs.renders.map((d) => [d.name, d.date, d.tenantId, d.title])).toEqual([
      ['INV-2026-00001_2026-11-30', '2026-11-30', 'DE', 'Rechnung INV-2026-00001'],
      ['INV-2026-00002_2026-11-30', '2026-11-30', 'DE', 'Rechnung INV-2026-00002'],
    ]);
    expect(links(p)).toEqual([
      ['I-000001', 'INV-2026-00001', DOC(1), PDF(1)],
      ['I-000002', 'INV-2026-00002', DOC(2), PDF(2)],
      ['I-000003', '', '', ''],
    ]);
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices']))).toEqual({ documents: 0, queued: 0 });

    const again = renderDocuments(p, docs);
    expect(again).toEqual({ rendered: [], failed: [], remaining: 0, quotaExhausted: false });
    expect(docs.renders).toHaveLength(2);
    // Naming the draft makes nothing either.
    expect(renderDocuments(p, docs, { invoiceIds: ['I-000003'] }).rendered).toEqual([]);
    expect(docs.renders).toHaveLength(2);
  });

  it('an invoice named by number whose PDF was deleted is made again; the bulk pass trusts the ledger', () => {
    const p = setup();
    const docs = new FakeDocs();
    renderDocuments(p, docs);
    docs.files.delete(PDF(2));
    expect(renderDocuments(p, docs).rendered).toEqual([]);
    // Named with its PDF still there: nothing to do.
    expect(renderDocuments(p, docs, { invoiceIds: ['INV-2026-00001'] }).rendered).toEqual([]);
    const r = renderDocuments(p, docs, { invoiceIds: ['INV-2026-00002'] });
    expect(r.rendered).toEqual([{ invoiceId: 'I-000002', number: 'INV-2026-00002', docUrl: DOC(4), pdfUrl: PDF(4) }]);
    expect(docs.renders.map((d) => d.name)).toEqual(['INV-2026-00001_2026-11-30', 'INV-2026-00002_2026-11-30', 'INV-2026-00003_2026-11-30', 'INV-2026-00002_2026-11-30']);
    expect(links(p)).toEqual([
      ['I-000001', 'INV-2026-00001', DOC(1), PDF(1)],
      ['I-000002', 'INV-2026-00002', DOC(4), PDF(4)],
      ['I-000003', 'INV-2026-00003', DOC(3), PDF(3)],
    ]);
    expect(() => renderDocuments(p, docs, { invoiceIds: ['INV-2026-00099'] })).toThrow('invoice INV-2026-00099 does not exist');
  });

  it('a failing invoice is reported with its reason; the others get their links', () => {
    const p = setup();
    const docs = new FakeDocs();
    docs.failFor = 'INV-2026-00002';
    const r = renderDocuments(p, docs);
    expect(r.failed).toEqual([{ invoiceId: 'I-000002', number: 'INV-2026-00002', reason: 'template of DE is not readable' }]);
    expect(r.rendered.map((x) => x.invoiceId)).toEqual(['I-000001', 'I-000003']);
    expect(r.remaining).toBe(0);
    expect(r.quotaExhausted).toBe(false);
    expect(links(p)).toEqual([
      ['I-000001', 'INV-2026-00001', DOC(1), PDF(1)],
      ['I-000002', 'INV-2026-00002', '', ''],
      ['I-000003', 'INV-2026-00003', DOC(2), PDF(2)],
    ]);
    docs.failFor = undefined;
    expect(renderDocuments(p, docs).rendered.map((x) => x.invoiceId)).toEqual(['I-000002']);
    expect(inv(p, 'I-000002')['PDF URL']).toBe(PDF(3));
  });

  it('the daily documents quota stops the call with quotaExhausted and what remains; links of those done are written', () => {
    const p = setup();
    const docs = new FakeDocs();
    docs.quota = 1;
    const r = renderDocuments(p, docs);
    expect(r).toEqual({
      rendered: [{ invoiceId: 'I-000001', number: 'INV-2026-00001', docUrl: DOC(1), pdfUrl: PDF(1) }],
      failed: [],
      remaining: 2,
      quotaExhausted: true,
    });
    expect(links(p)).toEqual([
      ['I-000001', 'INV-2026-00001', DOC(1), PDF(1)],
      ['I-000002', 'INV-2026-00002', '', ''],
      ['I-000003', 'INV-2026-00003', '', ''],
    ]);
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices'])).documents).toBe(2);
    // The next day.
    docs.quota = 50;
    const next = renderDocuments(p, docs);
    expect(next.rendered.map((x) => x.invoiceId)).toEqual(['I-000002', 'I-000003']);
    expect(next.quotaExhausted).toBe(false);
    expect(next.remaining).toBe(0);
    expect(links(p).map((l) => l[3])).toEqual([PDF(1), PDF(2), PDF(3)]);
  });

  it('a time budget stops with remaining > 0 and the next call finishes', () => {
    const { p, clock } = movingPorts(rows());
    billed(p);
    const docs = new FakeDocs();
    docs.onRender = () => void (clock.ms += 10_000); // a document takes 10 s
    const first = renderDocuments(p, docs, { budgetMs: 15_000 });
    expect(first.rendered.map((x) => x.invoiceId)).toEqual(['I-000001', 'I-000002']);
    expect(first.remaining).toBe(1);
    expect(first.quotaExhausted).toBe(false);
    expect(links(p).map((l) => l[3])).toEqual([PDF(1), PDF(2), '']);
    const second = renderDocuments(p, docs, { budgetMs: 15_000 });
    expect(second.rendered.map((x) => x.invoiceId)).toEqual(['I-000003']);
    expect(second.remaining).toBe(0);
    expect(links(p).map((l) => l[3])).toEqual([PDF(1), PDF(2), PDF(3)]);
  });
});

describe('previewDraft', () => {
  it('uses the draft words and records nothing', () => {
    const p = ports(rows());
    runInvoicing(p, NOV);
    const before = snapshot(p);
    const docs = new FakeDocs();
    const r = previewDraft(p, docs, 'I-000002');
    expect(r).toEqual({ invoiceId: 'I-000002', url: 'https://drive.google.com/file/d/PREVIEW1/view' });
    expect(docs.previews).toHaveLength(1);
    const { text, name, tenantId } = docs.previews[0];
    expect(tenantId).toBe('DE');
    expect(name.startsWith('DRAFT I-000002')).toBe(true);
    expect(text.title).toBe('Rechnung');
    expect(text.info[0]).toEqual(['Rechnungsnummer', 'ENTWURF']);
    expect(text.fields.number).toBe('ENTWURF');
    expect(text.fields['label.draft']).toBe('ENTWURF');
    expect(text.fields.payable).toBe('119,00 EUR');
    expect(docs.renders).toEqual([]);
    expect(snapshot(p)).toBe(before);
    expect(table(p, 'Invoices').map((i) => [i['Status'], i['PDF URL'], i['Delivery']])).toEqual([
      ['Draft', '', ''],
      ['Draft', '', ''],
      ['Draft', '', ''],
    ]);
  });

  it('anyone may preview, also where only billing admins may finalize', () => {
    const base = ports(rows({ Settings: [{ ...DE_TENANT, billingAdmins: 'boss@example.com' }] }));
    runInvoicing(base, NOV);
    const p: P = { ...base, enforceAdmins: true };
    const docs = new FakeDocs();
    expect(previewDraft(p, docs, 'I-000001').url).toBe('https://drive.google.com/file/d/PREVIEW1/view');
  });
});

describe('sendInvoices', () => {
  it('makes missing documents first and attaches each invoice’s PDF; Sent To lists to, cc and bcc', () => {
    const p = setup();
    const docs = new FakeDocs();
    const mail = new FakeMail(100);
    const r = sendInvoices(p, docs, mail);
    expect(r).toEqual({
      rendered: 3,
      sent: [
        { invoiceId: 'I-000001', number: 'INV-2026-00001', to: ['a1@example.com'] },
        { invoiceId: 'I-000002', number: 'INV-2026-00002', to: ['a2@example.com'] },
        { invoiceId: 'I-000003', number: 'INV-2026-00003', to: ['a3@example.com'] },
      ],
      failed: [],
      uncertain: [],
      queued: 0,
      quotaLeft: 95,
      done: true,
    });
    expect(docs.renders.map((d) => d.name)).toEqual(['INV-2026-00001_2026-11-30', 'INV-2026-00002_2026-11-30', 'INV-2026-00003_2026-11-30']);
    // The attachment is the invoice's own PDF as written to the ledger.
    expect(mail.sent.map((s) => s.attachments)).toEqual(table(p, 'Invoices').map((i) => [i['PDF URL']]));
    expect(mail.sent.map((s) => s.attachments)).toEqual([[PDF(1)], [PDF(2)], [PDF(3)]]);
    expect(mail.sent[0].mail).toMatchObject({ to: ['a1@example.com'], cc: ['a1-cc@example.com'], bcc: ['a1-bcc@example.com'], subject: 'Rechnung INV-2026-00001 von Muster GmbH' });
    expect(deliveries(p)).toEqual([
      ['I-000001', 'sent', 'a1@example.com, cc:a1-cc@example.com, bcc:a1-bcc@example.com'],
      ['I-000002', 'sent', 'a2@example.com'],
      ['I-000003', 'sent', 'a3@example.com'],
    ]);
    expect(table(p, 'Invoices').map((i) => i['Sent At'])).toEqual([NOW, NOW, NOW]);
    expect(sendLog(p)).toEqual([
      ['send', 'I-000001', 'INV-2026-00001', 'email to a1@example.com, cc:a1-cc@example.com, bcc:a1-bcc@example.com'],
      ['send', 'I-000002', 'INV-2026-00002', 'email to a2@example.com'],
      ['send', 'I-000003', 'INV-2026-00003', 'email to a3@example.com'],
    ]);
    expect(
      table(p, 'Log')
        .filter((l) => l['Action'] === 'send')
        .every((l) => l['User'] === 'tester@example.com' && l['Time'] === NOW),
    ).toBe(true);
  });

  it('never mails an invoice twice: a second call sends nothing', () => {
    const p = setup();
    const docs = new FakeDocs();
    const mail = new FakeMail(100);
    sendInvoices(p, docs, mail);
    const again = sendInvoices(p, docs, mail);
    expect(again).toEqual({ rendered: 0, sent: [], failed: [], uncertain: [], queued: 0, quotaLeft: 95, done: true });
    expect(mail.sent).toHaveLength(3);
    expect(docs.renders).toHaveLength(3);
    expect(sendLog(p)).toHaveLength(3);
  });

  it('each recipient (to, cc, bcc) counts against the quota; what does not fit is queued', () => {
    const p = setup();
    const mail = new FakeMail(4); // A1 needs 3, A2 1: A3 does not fit
    const r = sendInvoices(p, new FakeDocs(), mail);
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    expect(r.queued).toBe(1);
    expect(r.quotaLeft).toBe(0);
    expect(r.done).toBe(true);
    expect(mail.left).toBe(0);
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', 'sent', 'queued']);
  });

  it('with quota for 2 of 3 invoices: 2 sent, 1 queued; the next day the queue alone is sent', () => {
    const p = setup({
      Contacts: [
        { contactId: 'K1', accountId: 'A1', email: 'a1@example.com', role: 'invoice' },
        { contactId: 'K5', accountId: 'A2', email: 'a2@example.com', role: 'invoice' },
        { contactId: 'K6', accountId: 'A3', email: 'a3@example.com', role: 'invoice' },
      ],
    });
    const docs = new FakeDocs();
    const mail = new FakeMail(2);
    const r = sendInvoices(p, docs, mail);
    expect(r).toEqual({
      rendered: 3,
      sent: [
        { invoiceId: 'I-000001', number: 'INV-2026-00001', to: ['a1@example.com'] },
        { invoiceId: 'I-000002', number: 'INV-2026-00002', to: ['a2@example.com'] },
      ],
      failed: [],
      uncertain: [],
      queued: 1,
      quotaLeft: 0,
      done: true,
    });
    expect(deliveries(p)).toEqual([
      ['I-000001', 'sent', 'a1@example.com'],
      ['I-000002', 'sent', 'a2@example.com'],
      ['I-000003', 'queued', ''],
    ]);
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices']))).toEqual({ documents: 0, queued: 1 });
    // A call on the same day sends nothing and keeps the queue.
    const same = sendInvoices(p, docs, mail);
    expect(same.sent).toEqual([]);
    expect(same.queued).toBe(1);
    expect(inv(p, 'I-000003')['Delivery']).toBe('queued');

    mail.left = 100; // the next day
    const next = sendInvoices(p, docs, mail, { queuedOnly: true });
    expect(next.sent.map((s) => s.number)).toEqual(['INV-2026-00003']);
    expect(next).toMatchObject({ rendered: 0, failed: [], uncertain: [], queued: 0, quotaLeft: 99, done: true });
    expect(mail.numbers()).toEqual(['INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003']);
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', 'sent', 'sent']);
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices']))).toEqual({ documents: 0, queued: 0 });
    expect(sendInvoices(p, docs, mail).sent).toEqual([]);
    expect(sendInvoices(p, docs, mail, { queuedOnly: true }).sent).toEqual([]);
    expect(mail.sent).toHaveLength(3);
  });

  it('when the mail service refuses for the quota (its count was stale) the invoice stays queued, not failed', () => {
    const p = setup();
    const mail = new FakeMail(4);
    mail.reported = 50;
    const r = sendInvoices(p, new FakeDocs(), mail);
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    expect(r.failed).toEqual([]);
    expect(r.queued).toBe(1);
    expect(r.quotaLeft).toBe(0);
    expect(r.done).toBe(true);
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', 'sent', 'queued']);
    expect(sendLog(p).map((l) => l[0])).toEqual(['send', 'send']);
  });

  it('an invoice left in "sending" is reported uncertain and resent only when named with resend', () => {
    const p = setup();
    const docs = new FakeDocs();
    renderDocuments(p, docs);
    setCell(p, 'I-000001', 'Delivery', 'sending'); // a crash between "sending" and "sent"
    const mail = new FakeMail(100);
    const r = sendInvoices(p, docs, mail);
    expect(r.uncertain).toEqual([{ invoiceId: 'I-000001', number: 'INV-2026-00001' }]);
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00002', 'INV-2026-00003']);
    expect(inv(p, 'I-000001')['Delivery']).toBe('sending');
    // Named without resend: still uncertain, not sent.
    const named = sendInvoices(p, docs, mail, { invoiceIds: ['INV-2026-00001'] });
    expect(named.sent).toEqual([]);
    expect(named.uncertain).toEqual([{ invoiceId: 'I-000001', number: 'INV-2026-00001' }]);
    expect(mail.numbers()).toEqual(['INV-2026-00002', 'INV-2026-00003']);
    // Named with resend: sent.
    const resent = sendInvoices(p, docs, mail, { invoiceIds: ['INV-2026-00001'], resend: true });
    expect(resent.sent.map((s) => s.number)).toEqual(['INV-2026-00001']);
    expect(resent.uncertain).toEqual([]);
    expect(inv(p, 'I-000001')['Delivery']).toBe('sent');
    expect(mail.numbers()).toEqual(['INV-2026-00002', 'INV-2026-00003', 'INV-2026-00001']);
    // resend with a number mails a sent invoice again (on purpose); without a name nothing.
    expect(sendInvoices(p, docs, mail, { invoiceIds: ['I-000002'], resend: true }).sent.map((s) => s.number)).toEqual(['INV-2026-00002']);
    expect(sendInvoices(p, docs, mail).sent).toEqual([]);
  });

  it('resend without naming invoices does not resend an uncertain one', () => {
    // Only a named invoice is resent: { resend: true } alone must not mail every uncertain invoice.
    const p = setup();
    const docs = new FakeDocs();
    renderDocuments(p, docs);
    setCell(p, 'I-000001', 'Delivery', 'sending');
    const mail = new FakeMail(100);
    const r = sendInvoices(p, docs, mail, { resend: true });
    expect(mail.numbers()).toEqual(['INV-2026-00002', 'INV-2026-00003']);
    expect(r.uncertain).toEqual([{ invoiceId: 'I-000001', number: 'INV-2026-00001' }]);
  });

  it('a failing address: delivery "failed" with a Log row; the others are sent', () => {
    const p = setup();
    const mail = new FakeMail(100);
    mail.failAddress = 'a2@example.com';
    const r = sendInvoices(p, new FakeDocs(), mail);
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00001', 'INV-2026-00003']);
    expect(r.failed).toEqual([{ invoiceId: 'I-000002', number: 'INV-2026-00002', reason: 'Invalid email: a2@example.com' }]);
    expect(r.queued).toBe(0);
    expect(r.done).toBe(true);
    expect(deliveries(p).map((d) => d.slice(0, 2))).toEqual([
      ['I-000001', 'sent'],
      ['I-000002', 'failed'],
      ['I-000003', 'sent'],
    ]);
    expect(inv(p, 'I-000002')['Sent To']).toBe('');
    expect(sendLog(p)).toEqual([
      ['send', 'I-000001', 'INV-2026-00001', 'email to a1@example.com, cc:a1-cc@example.com, bcc:a1-bcc@example.com'],
      ['send failed', 'I-000002', 'INV-2026-00002', 'Invalid email: a2@example.com'],
      ['send', 'I-000003', 'INV-2026-00003', 'email to a3@example.com'],
    ]);
  });

  it('queuedOnly never mails invoices that are not queued', () => {
    const p = ports(rows());
    billed(p, ['I-000001', 'I-000002']);
    expect(queueRun(p, 'R-000001')).toBe(2);
    finalizeInvoices(p, { invoiceIds: ['I-000003'], invoiceDate: '2026-11-30' }); // finalized later, not queued
    expect(deliveries(p).map((d) => d[1])).toEqual(['queued', 'queued', '']);
    const mail = new FakeMail(100);
    const docs = new FakeDocs();
    const r = sendInvoices(p, docs, mail, { queuedOnly: true });
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    // Only the queued ones got documents on the way.
    expect(r.rendered).toBe(2);
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', 'sent', '']);
    expect(sendInvoices(p, docs, mail, { queuedOnly: true }).sent).toEqual([]);
    expect(mail.numbers()).toEqual(['INV-2026-00001', 'INV-2026-00002']);
  });

  it('a time budget leaves the rest queued with done false; the next call sends it', () => {
    const { p, clock } = movingPorts(rows());
    billed(p);
    const docs = new FakeDocs();
    renderDocuments(p, docs);
    const mail = new FakeMail(100);
    mail.onSend = () => void (clock.ms += 10_000); // an email takes 10 s
    const first = sendInvoices(p, docs, mail, { budgetMs: 15_000 });
    expect(first.sent.map((s) => s.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    expect(first.queued).toBe(1);
    expect(first.done).toBe(false);
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', 'sent', 'queued']);
    const second = sendInvoices(p, docs, mail, { budgetMs: 15_000 });
    expect(second.sent.map((s) => s.number)).toEqual(['INV-2026-00003']);
    expect(second.queued).toBe(0);
    expect(second.done).toBe(true);
    expect(mail.numbers()).toEqual(['INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003']);
  });

  it('a call whose time budget is spent before it starts still sends one mail and makes one document, so calling again gets further', () => {
    const { p, clock } = movingPorts(rows());
    billed(p);
    const docs = new FakeDocs();
    const made: number[] = [];
    for (let remaining = 1; remaining && made.length < 10; ) {
      const r = renderDocuments(p, docs, { budgetMs: -1 });
      made.push(r.rendered.length);
      remaining = r.remaining;
    }
    expect(made).toEqual([1, 1, 1]);
    const mail = new FakeMail(100);
    mail.onSend = () => void (clock.ms += 10_000);
    const calls: string[][] = [];
    for (let done = false; !done && calls.length < 10; ) {
      const r = sendInvoices(p, docs, mail, { budgetMs: -1 });
      calls.push(r.sent.map((s) => s.number));
      done = r.done;
    }
    expect(calls).toEqual([['INV-2026-00001'], ['INV-2026-00002'], ['INV-2026-00003']]);
  });

  it("a credit note made after its invoice left the documents mark prints the original's number, date and credited service period", () => {
    const p = setup();
    const docs = new FakeDocs();
    renderDocuments(p, docs); // the documents mark moves past November's invoices and their lines
    const credit = creditInvoice(p, { invoiceId: 'INV-2026-00002', amount: '10.00' }).invoices[0];
    renderDocuments(p, docs);
    const note = docs.texts.get(credit.number ?? '');
    const info = Object.fromEntries(note?.info ?? []);
    expect([note?.title, note?.credits]).toEqual([`Rechnungskorrektur ${credit.number}`, 'Korrektur zur Rechnung INV-2026-00002 vom 30.11.2026']);
    expect([info['Ursprüngliche Rechnung'], info['Datum der Rechnung'], info.Leistungszeitraum]).toEqual(['INV-2026-00002', '30.11.2026', '01.11.2026 – 30.11.2026']);
  });

  it('a document that cannot be made is reported; the others are sent', () => {
    const p = setup();
    const docs = new FakeDocs();
    docs.failFor = 'INV-2026-00002';
    const mail = new FakeMail(100);
    const r = sendInvoices(p, docs, mail);
    expect(r.rendered).toBe(2);
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00001', 'INV-2026-00003']);
    expect(r.failed).toEqual([{ invoiceId: 'I-000002', number: 'INV-2026-00002', reason: 'no document: template of DE is not readable' }]);
    expect(inv(p, 'I-000002')['PDF URL']).toBe('');
  });

  it('invoices whose documents wait for tomorrow’s documents quota are queued for the trigger', () => {
    // They must be marked "queued", or the hourly trigger (renderDocuments, then
    // sendInvoices({ queuedOnly: true })) would never mail them.
    const p = setup();
    const docs = new FakeDocs();
    docs.quota = 1;
    const mail = new FakeMail(100);
    const r = sendInvoices(p, docs, mail);
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00001']);
    expect(r.queued).toBe(2);
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', 'queued', 'queued']);
    // The next day the trigger makes the documents and sends the queue.
    docs.quota = 50;
    renderDocuments(p, docs);
    expect(sendInvoices(p, docs, mail, { queuedOnly: true }).sent.map((s) => s.number)).toEqual(['INV-2026-00002', 'INV-2026-00003']);
  });

  it('a queued invoice that cannot be mailed (no invoice contact) leaves the queue with a Log row', () => {
    // Left "queued" without a Log row, the hourly trigger would retry it every hour, invisibly.
    const p = ports(rows({ Contacts: [{ contactId: 'K5', accountId: 'A2', email: 'a2@example.com', role: 'invoice' }] }));
    billed(p);
    queueRun(p, 'R-000001');
    const mail = new FakeMail(100);
    const r = sendInvoices(p, new FakeDocs(), mail, { queuedOnly: true });
    expect(r.sent.map((s) => s.number)).toEqual(['INV-2026-00002']);
    expect(r.failed.map((f) => [f.invoiceId, f.reason])).toEqual([
      ['I-000001', 'account A1 has no active contact with role "invoice"'],
      ['I-000003', 'account A3 has no active contact with role "invoice"'],
    ]);
    expect(deliveries(p).map((d) => d[1])).toEqual(['failed', 'sent', 'failed']);
    // Unsendable ones are logged as they are found (before the sending starts), then each email.
    expect(sendLog(p).map((l) => [l[0], l[1]])).toEqual([
      ['send failed', 'I-000001'],
      ['send failed', 'I-000003'],
      ['send', 'I-000002'],
    ]);
  });

  it('only the billing admins may send or make documents; nothing changes for others', () => {
    const base = ports(rows({ Settings: [{ ...DE_TENANT, billingAdmins: 'boss@example.com' }] }));
    billed(base);
    const p: P = { ...base, enforceAdmins: true };
    const before = snapshot(p);
    const docs = new FakeDocs();
    const mail = new FakeMail(100);
    expect(() => sendInvoices(p, docs, mail)).toThrow('Only the billing admins named in Settings (boss@example.com) may send invoices; you are signed in as tester@example.com.');
    expect(() => sendInvoices(p, docs, mail, { queuedOnly: true })).toThrow('Only the billing admins');
    expect(() => renderDocuments(p, docs)).toThrow('Only the billing admins named in Settings (boss@example.com) may create invoice documents');
    expect(snapshot(p)).toBe(before);
    expect(docs.renders).toEqual([]);
    expect(mail.sent).toEqual([]);
    // The admin may (email compared without case).
    const admin: P = { ...base, enforceAdmins: true, user: () => 'Boss@Example.com' };
    expect(sendInvoices(admin, docs, mail).sent).toHaveLength(3);
    expect(
      table(p, 'Log')
        .filter((l) => l['Action'] === 'send')
        .map((l) => l['User']),
    ).toEqual(['Boss@Example.com', 'Boss@Example.com', 'Boss@Example.com']);
  });
});

describe('queueRun and pendingDelivery', () => {
  it('queueRun marks only the run’s finalized invoices without a delivery state', () => {
    const p = ports(rows());
    billed(p, ['I-000001', 'I-000002']); // R-000001; I-000003 stays a draft
    const docs = new FakeDocs();
    const mail = new FakeMail(100);
    sendInvoices(p, docs, mail, { invoiceIds: ['I-000001'] });
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', '', '']);
    expect(queueRun(p, 'R-000001')).toBe(1); // I-000002 only: I-000001 was sent, I-000003 is a draft
    expect(deliveries(p).map((d) => d[1])).toEqual(['sent', 'queued', '']);
    expect(queueRun(p, 'R-000001')).toBe(0);
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices']))).toEqual({ documents: 1, queued: 1 });

    // December: a second run; queueing it leaves November's invoices alone.
    finalizeInvoices(p, { invoiceIds: ['I-000003'], invoiceDate: '2026-11-30' });
    const dec = runInvoicing(p, DEC);
    expect(dec.runId).toBe('R-000002');
    finalizeInvoices(p, { runId: 'R-000002', invoiceDate: '2026-12-31' });
    expect(queueRun(p, 'R-000002')).toBe(3);
    expect(table(p, 'Invoices').map((i) => [i['Invoice ID'], i['Run ID'], i['Delivery']])).toEqual([
      ['I-000001', 'R-000001', 'sent'],
      ['I-000002', 'R-000001', 'queued'],
      ['I-000003', 'R-000001', ''],
      ['I-000004', 'R-000002', 'queued'],
      ['I-000005', 'R-000002', 'queued'],
      ['I-000006', 'R-000002', 'queued'],
    ]);
    // Documents: all but I-000001; queued: four.
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices']))).toEqual({ documents: 5, queued: 4 });
    expect(queueRun(p, 'R-000099')).toBe(0);
  });

  it('pendingDelivery ignores drafts', () => {
    const p = ports(rows());
    runInvoicing(p, NOV);
    expect(pendingDelivery(readDataset(p, ['Settings', 'Invoices']))).toEqual({ documents: 0, queued: 0 });
    expect(queueRun(p, 'R-000001')).toBe(0);
  });
});
