// Invoice emails: .eml files in the outbox parsed back (recipients by role, subject, escaped HTML,
// the PDF attached), real SMTP delivery to a server on 127.0.0.1, nothing sent twice, and a send
// interrupted after "sending" was saved reported as uncertain instead of resent.
import { simpleParser } from 'mailparser';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { memoryPorts } from '../../src/node/memoryHost';
import { createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { sendInvoices } from '../../src/node/outbox';
import { markSent } from '../../src/app/delivery';
import { coreDemoRows as demoRows } from '../../sheets-templates/demoData';
import { eInvoiceFromPdf } from '../../src/core/einvoice/fromPdf';

const NOW = () => new Date('2026-12-01T09:00:00Z');

async function finalizedBook(edit?: (rows: ReturnType<typeof demoRows>) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'billing-mail-'));
  const path = join(dir, 'book.xlsx');
  const rows = demoRows();
  edit?.(rows);
  await createWorkbook(path, rows);
  const book = await openWorkbook(path);
  const ports = memoryPorts(book.tables, { now: NOW });
  runInvoicing(ports, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
  finalizeInvoices(ports, {});
  await book.save();
  return { dir, path, book, ports };
}

describe('sending invoices', () => {
  it('writes one .eml per invoice with To/Cc/Bcc by role, subject, escaped HTML and the PDF; never twice', async () => {
    const { dir, book, ports } = await finalizedBook((rows) => {
      rows.Settings![0].legalName = 'Nordlicht <Software> & Co. KG';
    });
    const r = await sendInvoices(ports, { outDir: dir, flush: () => book.save() });
    expect(r.failed).toEqual([]);
    expect(r.sent).toHaveLength(8);
    const mail = await simpleParser(readFileSync(r.sent[0].eml));
    expect(mail.subject).toBe('Rechnung RE-2026-00001 von Nordlicht <Software> & Co. KG');
    expect((mail.to as { text: string }).text).toBe('anna@baeckerei-mueller.example');
    expect((mail.cc as { text: string }).text).toBe('kanzlei@steuer.example');
    expect(mail.text).toContain('über 743,71 EUR, fällig am 15.12.2026');
    expect(mail.html).toContain('Nordlicht &lt;Software&gt; &amp; Co. KG');
    expect(mail.html).not.toContain('<Software>');
    // ACC-001 gets ZUGFeRD: the Factur-X CII XML travels inside the PDF, and only there (one invoice, not two).
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['RE-2026-00001_2026-12-01.pdf', 'application/pdf']]);
    expect(eInvoiceFromPdf(new Uint8Array(mail.attachments[0].content)).xml).toContain('<ram:ID>urn:cen.eu:en16931:2017</ram:ID>');
    // ACC-006 (Leitweg-ID) gets XRechnung UBL: the XML beside the PDF.
    const city = await simpleParser(readFileSync(r.sent.find((s) => s.number === 'RE-2026-00006')!.eml));
    expect(city.attachments.map((a) => [a.filename, a.contentType])).toEqual([['RE-2026-00006_2026-12-01.pdf', 'application/pdf'], ['RE-2026-00006_2026-12-01.xml', 'application/xml']]);
    expect(city.attachments[1].content.toString()).toContain('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"');
    const acme = await simpleParser(readFileSync(r.sent.find((s) => s.to.includes('ap@acme.example'))!.eml));
    expect((acme.bcc as { text: string }).text).toBe('controller@acme.example');
    expect(acme.subject).toBe('Invoice RE-2026-00005 from Nordlicht <Software> & Co. KG');
    const invoices = book.tables.objects('Invoices');
    expect(invoices.map((i) => i['Delivery'])).toEqual(new Array(8).fill('sent'));
    expect(invoices[0]['Sent To']).toBe('anna@baeckerei-mueller.example, cc:kanzlei@steuer.example');
    expect((await sendInvoices(ports, { outDir: dir, flush: () => book.save() })).sent).toEqual([]);
  });

  it('an invoice without an invoice contact is reported and the others go out', async () => {
    const { dir, book, ports } = await finalizedBook((rows) => {
      rows.Contacts = rows.Contacts!.filter((c) => c.accountId !== 'ACC-004');
    });
    const r = await sendInvoices(ports, { outDir: dir, flush: () => book.save() });
    expect(r.sent).toHaveLength(7);
    expect(r.failed).toEqual([{ invoiceId: 'I-000004', number: 'RE-2026-00004', reason: 'account ACC-004 has no active contact with role "invoice"' }]);
  });

  it('a send interrupted after "sending" was saved is uncertain: not resent, until resent or marked on purpose', async () => {
    const { dir, path, book, ports } = await finalizedBook();
    // The process dies right after the "sending" marks are saved, before any mail goes out.
    await expect(sendInvoices(ports, { outDir: dir, ids: ['RE-2026-00001', 'RE-2026-00002'], flush: async () => { await book.save(); throw new Error('crash'); } })).rejects.toThrow('crash');
    const reopened = await openWorkbook(path);
    const p2 = memoryPorts(reopened.tables, { now: NOW });
    const r = await sendInvoices(p2, { outDir: dir, flush: () => reopened.save() });
    expect(r.uncertain.map((u) => u.number)).toEqual(['RE-2026-00001', 'RE-2026-00002']);
    expect(r.sent.map((s) => s.number)).not.toContain('RE-2026-00001');
    expect(r.sent).toHaveLength(6);
    const again = await sendInvoices(p2, { outDir: dir, ids: ['RE-2026-00001'], resend: true, flush: () => reopened.save() });
    expect(again.sent.map((s) => s.number)).toEqual(['RE-2026-00001']);
    expect(markSent(p2, ['RE-2026-00002'])).toEqual(['RE-2026-00002']);
    const last = await sendInvoices(p2, { outDir: dir, flush: () => reopened.save() });
    expect([last.sent, last.uncertain, last.failed]).toEqual([[], [], []]);
  });

  it('delivers over SMTP to a server on 127.0.0.1 with every recipient in the envelope', async () => {
    const received: { rcpt: string[]; raw: Buffer }[] = [];
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ rcpt: session.envelope.rcptTo.map((a) => a.address), raw: Buffer.concat(chunks) });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    try {
      const { dir, book, ports } = await finalizedBook();
      const r = await sendInvoices(ports, { outDir: dir, smtp: { host: '127.0.0.1', port }, ids: ['RE-2026-00001', 'RE-2026-00005'], flush: () => book.save() });
      expect(r.failed).toEqual([]);
      expect(received.map((m) => m.rcpt.sort())).toEqual([
        ['anna@baeckerei-mueller.example', 'kanzlei@steuer.example'],
        ['ap@acme.example', 'controller@acme.example'],
      ]);
      const mail = await simpleParser(received[1].raw);
      expect(mail.bcc).toBeUndefined(); // Bcc travels in the envelope only
      expect(mail.attachments[0].filename).toBe('RE-2026-00005_2026-12-01.pdf');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
