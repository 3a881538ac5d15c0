// The delivery marks (src/app/deliveryMarks.ts): documents and send calls read Invoices and
// InvoiceLines from where work starts, and still find every invoice that needs them: drafts above the
// mark finalized later, the queue a Send leaves for the trigger, credit notes of old invoices, and
// rows moved by hand (the whole sheets are read then).
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { renderDocuments, sendInvoices } from '../../src/app/delivery';
import type { DocText } from '../../src/core/docText';
import type { InvoiceMail } from '../../src/core/mail';
import type { Tenant } from '../../src/core/model';
import type { DocumentsPort, MailPort, Ports } from '../../src/ports';
import type { MemoryTables } from '../../src/node/memoryTables';
import { account, item, ports, product, subscription, table, type Rows } from '../support/fixtures';

type P = Ports & { tables: MemoryTables };
const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
const DEC = { periodStart: '2026-12-01', periodEnd: '2026-12-31' };

class Docs implements DocumentsPort {
  readonly made: string[] = [];
  readonly xml = new Map<string, string>();
  render(text: DocText, _t: Tenant, name: string) {
    this.made.push(text.fields.number);
    return { docUrl: `doc:${name}`, pdfUrl: `pdf:${name}` };
  }
  saveXml(xml: string, _t: Tenant, name: string) {
    this.xml.set(name, xml);
    return `xml:${name}`;
  }
  preview() {
    return 'preview';
  }
  exists() {
    return true;
  }
}

class Mail implements MailPort {
  readonly sent: string[] = [];
  constructor(public left = 100) {}
  remainingQuota() {
    return this.left;
  }
  send(m: InvoiceMail) {
    const n = m.to.length + m.cc.length + m.bcc.length;
    if (n > this.left) throw new Error('Service invoked too many times for one day: email.');
    this.left -= n;
    this.sent.push(/(INV-\d{4}-\d{5}|CN-\d{4}-\d{5}|[A-Z]+-\d{4}-\d{5})/.exec(m.subject)![1]);
  }
}

function rows(n: number): Rows {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  return {
    Accounts: ids.map((i) => account(`A${i}`, { eInvoiceFormat: 'zugferd' })),
    Contacts: ids.map((i) => ({ contactId: `K${i}`, accountId: `A${i}`, email: `a${i}@example.com`, role: 'invoice' })),
    Products: [product('P1', '100.00')],
    Subscriptions: ids.map((i) => subscription(`S${i}`, `A${i}`)),
    Items: ids.map((i) => item(`I${i}`, `S${i}`, 'P1')),
  };
}

/** How each call read Invoices: 'read' (whole) or 'readFrom' (from a mark). */
const invoiceReads = (p: P, from: number) =>
  p.tables.calls
    .slice(from)
    .filter((c) => c.table === 'Invoices' && c.op !== 'apply')
    .map((c) => c.op);
const col = (p: P, h: string) => table(p, 'Invoices').map((r) => r[h]);

describe('delivery marks', () => {
  it('documents calls read Invoices from the mark; a draft left above it and finalized later still gets its document', () => {
    const p = ports(rows(3));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceIds: ['I-000001', 'I-000002'], invoiceDate: '2026-11-30' });
    const docs = new Docs();
    expect(renderDocuments(p, docs).rendered).toHaveLength(2);
    // The first call found nothing finished yet (its documents came after its read): the second reads
    // the whole sheet again and moves the mark over I-000001, I-000002 and the draft I-000003.
    let at = p.tables.calls.length;
    expect(renderDocuments(p, docs).rendered).toEqual([]);
    expect(invoiceReads(p, at)).toEqual(['read']);
    at = p.tables.calls.length;
    renderDocuments(p, docs);
    expect(invoiceReads(p, at)).toEqual(['readFrom']);
    // Finalizing the draft above the mark brings the mark down to it; December's drafts come below.
    finalizeInvoices(p, { invoiceIds: ['I-000003'], invoiceDate: '2026-11-30' });
    runInvoicing(p, DEC);
    finalizeInvoices(p, { invoiceDate: '2026-12-31' });
    const r = renderDocuments(p, docs);
    expect(r.failed).toEqual([]);
    expect(r.rendered.map((x) => x.invoiceId)).toEqual(['I-000003', 'I-000004', 'I-000005', 'I-000006']);
    // Which invoice (if any) is still without a PDF.
    expect(
      table(p, 'Invoices')
        .filter((r) => !r['PDF URL'])
        .map((r) => r['Invoice ID']),
    ).toEqual([]);
  });

  it('what a Send leaves queued above the documents mark is mailed by the queue (trigger) later', () => {
    const p = ports(rows(3));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const docs = new Docs();
    renderDocuments(p, docs);
    renderDocuments(p, docs); // the documents mark is past all three now
    const mail = new Mail(1);
    expect(sendInvoices(p, docs, mail).sent).toHaveLength(1);
    expect(col(p, 'Delivery')).toEqual(['sent', 'queued', 'queued']);
    mail.left = 100; // the next day
    const at = p.tables.calls.length;
    const q = sendInvoices(p, docs, mail, { queuedOnly: true });
    expect(invoiceReads(p, at)).toEqual(['readFrom']);
    expect(q.sent.map((s) => s.invoiceId)).toEqual(['I-000002', 'I-000003']);
    expect(col(p, 'Delivery')).toEqual(['sent', 'sent', 'sent']);
  });

  it('a credit note for an invoice above the marks names the original number and date in its e-invoice', () => {
    const p = ports(rows(2));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const docs = new Docs();
    const mail = new Mail();
    sendInvoices(p, docs, mail);
    renderDocuments(p, docs);
    renderDocuments(p, docs);
    const cn = cancelInvoice(p, { invoiceId: 'I-000001' }).invoices.find((i) => i.invoiceId === 'I-000003')!;
    const at = p.tables.calls.length;
    const r = renderDocuments(p, docs);
    expect(r.rendered.map((x) => x.invoiceId)).toEqual(['I-000003']);
    // Invoices read from the mark, then the original found by its id column and read alone.
    expect(invoiceReads(p, at)).toEqual(['readFrom', 'readColumn', 'readFrom']);
    const xml = [...docs.xml.entries()].find(([name]) => name.startsWith(cn.number!))![1];
    expect(xml).toContain('INV-2026-00001');
    expect(xml).toMatch(/<ram:InvoiceReferencedDocument>[\s\S]*INV-2026-00001[\s\S]*20261130/);
  });

  it('rows deleted above a mark: the check row holds another invoice, so the whole sheets are read and nothing is missed', () => {
    const p = ports(rows(3));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceIds: ['I-000001', 'I-000002'], invoiceDate: '2026-11-30' });
    const docs = new Docs();
    renderDocuments(p, docs);
    renderDocuments(p, docs); // the mark: row 5, below I-000003 (a draft) in row 4
    let at = p.tables.calls.length;
    renderDocuments(p, docs);
    expect(invoiceReads(p, at)).toEqual(['readFrom']);
    // Someone deletes the first invoice's row (never to be done to a finalized invoice, but a sheet allows it).
    p.tables.sheets.get('Invoices')!.rows.splice(0, 1);
    at = p.tables.calls.length;
    expect(renderDocuments(p, docs).rendered).toEqual([]);
    // Row 4, which the mark checks, now holds nothing: the whole sheet is read and the mark set anew.
    expect(invoiceReads(p, at)).toEqual(['readFrom', 'read']);
    finalizeInvoices(p, { invoiceIds: ['I-000003'], invoiceDate: '2026-11-30' });
    at = p.tables.calls.length;
    const r = renderDocuments(p, docs);
    expect(invoiceReads(p, at)).toEqual(['readFrom']);
    expect(r.rendered.map((x) => x.invoiceId)).toEqual(['I-000003']);
    // Which invoice (if any) is still without a PDF.
    expect(
      table(p, 'Invoices')
        .filter((r) => !r['PDF URL'])
        .map((r) => r['Invoice ID']),
    ).toEqual([]);
  });

  it('invoices a crash left "sending" stay below the mail mark: every later Send reports them uncertain', () => {
    const p = ports(rows(3));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const docs = new Docs();
    const mail = new Mail(1);
    sendInvoices(p, docs, mail); // I-000001 sent, the others queued
    mail.left = 100;
    // The execution dies after the mails went out, before "sent" is written.
    const apply = p.tables.apply.bind(p.tables);
    p.tables.apply = (name, patch) => {
      if (patch.update?.some((u) => u.values.delivery === 'sent')) throw new Error('Exceeded maximum execution time');
      apply(name, patch);
    };
    expect(() => sendInvoices(p, docs, mail)).toThrow('Exceeded');
    p.tables.apply = apply;
    expect(col(p, 'Delivery')).toEqual(['sent', 'sending', 'sending']);
    for (let i = 0; i < 2; i++) {
      const r = sendInvoices(p, docs, mail);
      expect(r.uncertain.map((u) => u.invoiceId)).toEqual(['I-000002', 'I-000003']);
      expect(r.sent).toEqual([]);
    }
    sendInvoices(p, docs, mail, { invoiceIds: ['I-000002', 'I-000003'], resend: true });
    expect(col(p, 'Delivery')).toEqual(['sent', 'sent', 'sent']);
    sendInvoices(p, docs, mail);
    const at = p.tables.calls.length;
    expect(sendInvoices(p, docs, mail).uncertain).toEqual([]);
    expect(invoiceReads(p, at)).toEqual(['readFrom']);
  });
});
