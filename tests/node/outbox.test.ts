// Invoice emails: .eml files in the outbox parsed back (recipients by role, subject, escaped HTML,
// the PDF attached), real SMTP delivery to a server on 127.0.0.1, nothing sent twice; an
// interrupted send picked up from what the outbox shows (delivered, never tried, or really
// uncertain), SMTP refusals and broken connections, batches of "sending" marks, and addresses
// from the sheets checked before anything goes out.
import { simpleParser } from 'mailparser';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { memoryPorts } from '../../src/node/memoryHost';
import { createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { sendInvoices } from '../../src/node/outbox';
import { markSent } from '../../src/app/delivery';
import { coreDemoRows as demoRows } from '../../sheets-templates/demoData';
import { eInvoiceFromPdf } from '../../src/core/einvoice/fromPdf';
import { demoRows as fullDemoRows } from '../../sheets-templates/demoGenerator';
import { JsonFileStore } from '../../src/node/jsonStore';
import { startSmtp } from '../support/smtpServer';

const NOW = () => new Date('2026-12-01T09:00:00Z');

/** Temporary folders of this file, removed at the end. */
const temps: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

async function finalizedBook(edit?: (rows: ReturnType<typeof demoRows>) => void, all = demoRows) {
  const dir = tempDir('billing-mail-');
  const path = join(dir, 'book.xlsx');
  const rows = all();
  edit?.(rows);
  await createWorkbook(path, rows);
  const book = await openWorkbook(path);
  // The state file beside the workbook, as the CLI has it (it remembers the outbox folders).
  const ports = memoryPorts(book.tables, { now: NOW, kv: JsonFileStore.beside(path) });
  runInvoicing(ports, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
  finalizeInvoices(ports, {});
  await book.save();
  return { dir, path, book, ports };
}

/** The workbook as a crash left it on disk: opened again, with its state file. */
async function reopen(path: string) {
  const book = await openWorkbook(path);
  return { book, ports: memoryPorts(book.tables, { now: NOW, kv: JsonFileStore.beside(path) }) };
}

const column = (book: { tables: { objects(t: 'Invoices' | 'Log'): Record<string, unknown>[] } }, name: string) => book.tables.objects('Invoices').map((i) => [i['Number'], i[name]]);

/**
 * An SMTP server on 127.0.0.1 that counts the messages it accepted per Message-ID. `refuse`: answer
 * 554 to these Message-IDs; `drop`: take the message, then break the connection without answering
 * (once per id), so the client cannot know whether it was accepted.
 */
async function smtpServer() {
  const refuse = new Set<string>();
  const drop = new Set<string>();
  const server = await startSmtp((m) => (refuse.has(m.messageId) ? { code: 554, message: 'message refused' } : drop.delete(m.messageId) ? 'drop' : 'accept'));
  return {
    ...server,
    refuse,
    drop,
    /** How often the server accepted the invoice's message (by its internal id, I-000001). */
    count: (invoiceId: string) => server.accepted.filter((m) => m.messageId.startsWith(`<${invoiceId}.`)).length,
    id: (invoiceId: string, tenant = 'DE') => `<${invoiceId}.${tenant}@sheets-billing.invalid>`,
  };
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
    expect(city.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['RE-2026-00006_2026-12-01.pdf', 'application/pdf'],
      ['RE-2026-00006_2026-12-01.xml', 'application/xml'],
    ]);
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

  it('delivers over SMTP to a server on 127.0.0.1 with every recipient in the envelope', async () => {
    const server = await startSmtp();
    const { port, accepted: received } = server;
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
      await server.close();
    }
  });

  it('an invoice left "sending" with nothing in the outbox was never tried: the next send mails it normally, not as uncertain', async () => {
    const { dir, path, book, ports } = await finalizedBook();
    // The process dies right after the batch's "sending" marks are saved, before any mail is written.
    await expect(
      sendInvoices(ports, {
        outDir: dir,
        ids: ['RE-2026-00001', 'RE-2026-00002'],
        flush: async () => {
          await book.save();
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const after = await reopen(path);
    expect(column(after.book, 'Delivery').slice(0, 2)).toEqual([
      ['RE-2026-00001', 'sending'],
      ['RE-2026-00002', 'sending'],
    ]);
    const r = await sendInvoices(after.ports, { outDir: dir, flush: () => after.book.save() });
    expect(r.uncertain).toEqual([]);
    expect(r.sent.map((s) => [s.number, s.recovered ?? false])).toEqual([
      ['RE-2026-00001', false],
      ['RE-2026-00002', false],
      ['RE-2026-00003', false],
      ['RE-2026-00004', false],
      ['RE-2026-00005', false],
      ['RE-2026-00006', false],
      ['CH-2026-0001', false],
      ['CH-2026-0002', false],
    ]);
  });

  it('an invoice left "sending" whose mail the server accepted is recorded as sent from the outbox (Sent To, Log row), not mailed again, also from another --out', async () => {
    const smtp = await smtpServer();
    try {
      const { dir, path, book, ports } = await finalizedBook();
      // Both mails go out; the process dies when it saves their results.
      let saves = 0;
      const flush = async () => {
        if (++saves === 2) throw new Error('crash');
        await book.save();
      };
      await expect(sendInvoices(ports, { outDir: dir, smtp: { host: '127.0.0.1', port: smtp.port }, ids: ['RE-2026-00001', 'RE-2026-00005'], flush })).rejects.toThrow('crash');
      expect([smtp.count('I-000001'), smtp.count('I-000005')]).toEqual([1, 1]);
      const after = await reopen(path);
      expect(column(after.book, 'Delivery').filter(([, d]) => d)).toEqual([
        ['RE-2026-00001', 'sending'],
        ['RE-2026-00005', 'sending'],
      ]);
      // The next send runs from elsewhere (another --out): the outbox folder used before is remembered beside the workbook.
      const elsewhere = tempDir('billing-mail-other-');
      const r = await sendInvoices(after.ports, { outDir: elsewhere, smtp: { host: '127.0.0.1', port: smtp.port }, ids: ['RE-2026-00001', 'RE-2026-00005'], flush: () => after.book.save() });
      expect(r.uncertain).toEqual([]);
      expect(r.failed).toEqual([]);
      expect(r.sent).toEqual([
        { invoiceId: 'I-000001', number: 'RE-2026-00001', to: ['anna@baeckerei-mueller.example'], eml: join(dir, 'outbox', 'RE-2026-00001.eml'), recovered: true },
        { invoiceId: 'I-000005', number: 'RE-2026-00005', to: ['ap@acme.example'], eml: join(dir, 'outbox', 'RE-2026-00005.eml'), recovered: true },
      ]);
      expect([smtp.count('I-000001'), smtp.count('I-000005')]).toEqual([1, 1]);
      const saved = await openWorkbook(path);
      const rows = saved.tables.objects('Invoices').filter((i) => i['Delivery']);
      expect(rows.map((i) => [i['Number'], i['Delivery'], i['Sent To'], i['Sent At']])).toEqual([
        ['RE-2026-00001', 'sent', 'anna@baeckerei-mueller.example, cc:kanzlei@steuer.example', '2026-12-01T09:00:00.000Z'],
        ['RE-2026-00005', 'sent', 'ap@acme.example, bcc:controller@acme.example', '2026-12-01T09:00:00.000Z'],
      ]);
      expect(
        saved.tables
          .objects('Log')
          .filter((l) => l['Action'] === 'send')
          .map((l) => [l['Number'], l['Details']]),
      ).toEqual([
        ['RE-2026-00001', `recorded after an interrupted send: ${join(dir, 'outbox', 'RE-2026-00001.eml')} was delivered (no new mail)`],
        ['RE-2026-00005', `recorded after an interrupted send: ${join(dir, 'outbox', 'RE-2026-00005.eml')} was delivered (no new mail)`],
      ]);
    } finally {
      await smtp.close();
    }
  });

  it("an outbox file counts only for the invoice its Message-ID names: another tenant's invoice with the same number is not recorded from it", async () => {
    const { dir, path, book, ports } = await finalizedBook((rows) => {
      rows.Settings![1].numberFormat = 'RE-{yyyy}-{seq:5}'; // the Swiss tenant numbers like the German one
    });
    expect(
      book.tables
        .objects('Invoices')
        .filter((i) => i['Number'] === 'RE-2026-00001')
        .map((i) => i['Invoice ID']),
    ).toEqual(['I-000001', 'I-000007']);
    expect((await sendInvoices(ports, { outDir: dir, ids: ['I-000001'], flush: () => book.save() })).sent.map((s) => s.invoiceId)).toEqual(['I-000001']);
    // The Swiss RE-2026-00001 is left "sending" before anything was written for it.
    await expect(
      sendInvoices(ports, {
        outDir: dir,
        ids: ['I-000007'],
        flush: async () => {
          await book.save();
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const after = await reopen(path);
    const r = await sendInvoices(after.ports, { outDir: dir, ids: ['I-000007'], flush: () => after.book.save() });
    expect(r.sent.map((s) => [s.invoiceId, s.recovered ?? false])).toEqual([['I-000007', false]]);
    expect(r.uncertain).toEqual([]);
  });

  it('a mail handed to the server whose answer never came is uncertain: the rest is not tried, and only an explicit resend mails it again', async () => {
    const smtp = await smtpServer();
    try {
      const { dir, book, ports } = await finalizedBook();
      const at = { host: '127.0.0.1', port: smtp.port };
      const three = ['RE-2026-00001', 'RE-2026-00002', 'RE-2026-00003'];
      smtp.drop.add(smtp.id('I-000002'));
      const r = await sendInvoices(ports, { outDir: dir, smtp: at, ids: three, flush: () => book.save() });
      expect(r.sent.map((s) => s.number)).toEqual(['RE-2026-00001']);
      expect(r.uncertain).toEqual([{ invoiceId: 'I-000002', number: 'RE-2026-00002', eml: join(dir, 'outbox', 'RE-2026-00002.pending.eml'), reason: 'Connection closed unexpectedly' }]);
      expect(r.failed).toEqual([{ invoiceId: 'I-000003', number: 'RE-2026-00003', reason: 'not sent: the SMTP connection broke while RE-2026-00002 was being sent (Connection closed unexpectedly)' }]);
      expect(column(book, 'Delivery').slice(0, 3)).toEqual([
        ['RE-2026-00001', 'sent'],
        ['RE-2026-00002', 'sending'],
        ['RE-2026-00003', 'failed'],
      ]);
      // The next send mails the one never tried and leaves the uncertain one alone.
      const next = await sendInvoices(ports, { outDir: dir, smtp: at, ids: three, flush: () => book.save() });
      expect([next.sent.map((s) => s.number), next.uncertain.map((u) => u.number), next.failed]).toEqual([['RE-2026-00003'], ['RE-2026-00002'], []]);
      expect(['I-000001', 'I-000002', 'I-000003'].map(smtp.count)).toEqual([1, 1, 1]);
      // The user decides to send it again anyway.
      const again = await sendInvoices(ports, { outDir: dir, smtp: at, ids: ['RE-2026-00002'], resend: true, flush: () => book.save() });
      expect(again.sent.map((s) => s.number)).toEqual(['RE-2026-00002']);
      expect(smtp.count('I-000002')).toBe(2);
      expect(existsSync(join(dir, 'outbox', 'RE-2026-00002.pending.eml'))).toBe(false);
      const last = await sendInvoices(ports, { outDir: dir, smtp: at, ids: three, flush: () => book.save() });
      expect([last.sent, last.uncertain, last.failed]).toEqual([[], [], []]);
    } finally {
      await smtp.close();
    }
  });

  it('after checking, an uncertain invoice can be marked as sent; it is not mailed again', async () => {
    const smtp = await smtpServer();
    try {
      const { dir, book, ports } = await finalizedBook();
      const at = { host: '127.0.0.1', port: smtp.port };
      smtp.drop.add(smtp.id('I-000001'));
      const r = await sendInvoices(ports, { outDir: dir, smtp: at, ids: ['RE-2026-00001'], flush: () => book.save() });
      expect(r.uncertain.map((u) => u.number)).toEqual(['RE-2026-00001']);
      expect(markSent(ports, ['RE-2026-00001'])).toEqual(['RE-2026-00001']);
      const next = await sendInvoices(ports, { outDir: dir, smtp: at, ids: ['RE-2026-00001'], flush: () => book.save() });
      expect([next.sent, next.uncertain, next.failed]).toEqual([[], [], []]);
      expect(smtp.count('I-000001')).toBe(1);
    } finally {
      await smtp.close();
    }
  });

  it('a mail the server refuses is failed and leaves no outbox file; the next send tries it normally', async () => {
    const smtp = await smtpServer();
    try {
      const { dir, book, ports } = await finalizedBook();
      const at = { host: '127.0.0.1', port: smtp.port };
      smtp.refuse.add(smtp.id('I-000001'));
      const r = await sendInvoices(ports, { outDir: dir, smtp: at, ids: ['RE-2026-00001', 'RE-2026-00002'], flush: () => book.save() });
      expect(r.failed).toEqual([{ invoiceId: 'I-000001', number: 'RE-2026-00001', reason: 'Message failed: 554 message refused' }]);
      expect(r.sent.map((s) => s.number)).toEqual(['RE-2026-00002']);
      expect(readdirSync(join(dir, 'outbox')).sort()).toEqual(['RE-2026-00002.eml']);
      expect(column(book, 'Delivery').slice(0, 2)).toEqual([
        ['RE-2026-00001', 'failed'],
        ['RE-2026-00002', 'sent'],
      ]);
      smtp.refuse.clear();
      const next = await sendInvoices(ports, { outDir: dir, smtp: at, ids: ['RE-2026-00001', 'RE-2026-00002'], flush: () => book.save() });
      expect([next.sent.map((s) => s.number), next.uncertain, next.failed]).toEqual([['RE-2026-00001'], [], []]);
      expect(['I-000001', 'I-000002'].map(smtp.count)).toEqual([1, 1]);
    } finally {
      await smtp.close();
    }
  });

  it('an SMTP server that cannot be reached fails every invoice before any is marked "sending" or written to the outbox', async () => {
    // A port nobody listens on.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { dir, book, ports } = await finalizedBook();
    const states: unknown[] = [];
    const r = await sendInvoices(ports, {
      outDir: dir,
      smtp: { host: '127.0.0.1', port },
      ids: ['RE-2026-00001', 'RE-2026-00002'],
      flush: async () => {
        states.push(column(book, 'Delivery').slice(0, 2));
        await book.save();
      },
    });
    expect(r.sent).toEqual([]);
    expect(r.failed.map((f) => [f.number, f.reason.replace(/\d+$/, 'PORT')])).toEqual([
      ['RE-2026-00001', `not sent: SMTP server 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:PORT`],
      ['RE-2026-00002', `not sent: SMTP server 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:PORT`],
    ]);
    expect(states).toEqual([
      [
        ['RE-2026-00001', 'failed'],
        ['RE-2026-00002', 'failed'],
      ],
    ]);
    expect(existsSync(join(dir, 'outbox'))).toBe(false);
  });

  it('marks "sending" in batches of 10, each saved before it goes out together with the results before it: never more than 10 "sending" at once', async () => {
    const { dir, book, ports } = await finalizedBook(undefined, fullDemoRows);
    const total = book.tables.objects('Invoices').filter((i) => i['Number']).length;
    expect(total).toBeGreaterThan(20);
    const saves: { sending: number; sent: number }[] = [];
    const flush = async () => {
      const d = book.tables.objects('Invoices').map((i) => i['Delivery']);
      saves.push({ sending: d.filter((x) => x === 'sending').length, sent: d.filter((x) => x === 'sent').length });
      await book.save();
    };
    const r = await sendInvoices(ports, { outDir: dir, flush });
    expect(r.failed).toEqual([]);
    expect(r.sent).toHaveLength(total);
    const batches = Math.ceil(total / 10);
    // One save per batch (its marks, with the previous batch's results), one for the last results.
    expect(saves).toEqual([...Array.from({ length: batches }, (_, b) => ({ sending: Math.min(10, total - 10 * b), sent: 10 * b })), { sending: 0, sent: total }]);
  });

  it('addresses from the sheets are checked: a Reply-To with a line break or a contact with two addresses stops those mails, named by sheet, row and column; the rest go out with clean headers', async () => {
    const { dir, book, ports } = await finalizedBook((rows) => {
      rows.Settings![0].replyTo = 'billing@nordlicht.example\nBcc: spy@evil.example';
      rows.Settings![0].legalName = 'Nordlicht Software GmbH\r\nBcc: spy@evil.example';
      rows.Settings![1].replyTo = ' office@alpenblick.example ';
      rows.Contacts!.find((c) => c.contactId === 'C-11')!.email = 'lara@brunner.example, boss@brunner.example';
    });
    const r = await sendInvoices(ports, { outDir: dir, flush: () => book.save() });
    const settings = 'Settings row 2 (DE), column Reply-To (value "billing@nordlicht.example\\nBcc: spy@evil.example"): not one email address: it contains a line break';
    expect(r.failed).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((n) => ({ invoiceId: `I-00000${n}`, number: `RE-2026-0000${n}`, reason: settings })),
      {
        invoiceId: 'I-000008',
        number: 'CH-2026-0002',
        reason: 'Contacts row 12 (C-11), column Email (value "lara@brunner.example, boss@brunner.example"): not one email address: it is a list: only one address is allowed here',
      },
    ]);
    expect(r.sent.map((s) => s.number)).toEqual(['CH-2026-0001']);
    expect(column(book, 'Delivery').map(([, d]) => d)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'sent', 'failed']);
    expect(book.tables.objects('Log').filter((l) => l['Action'] === 'send failed')).toHaveLength(7);
    const head = readFileSync(r.sent[0].eml, 'utf8').split('\n\n')[0];
    expect(head).toMatch(/^Reply-To: office@alpenblick\.example$/m);
    expect(head).not.toMatch(/spy@evil/);
    expect(readdirSync(join(dir, 'outbox'))).toEqual(['CH-2026-0001.eml']);
  });

  it('a company name with a line break stays in the one From line of the .eml', async () => {
    const { dir, book, ports } = await finalizedBook((rows) => {
      rows.Settings![0].legalName = 'Nordlicht <Software>\r\nBcc: spy@evil.example';
    });
    const r = await sendInvoices(ports, { outDir: dir, ids: ['RE-2026-00001'], flush: () => book.save() });
    const mail = await simpleParser(readFileSync(r.sent[0].eml));
    expect(mail.bcc).toBeUndefined();
    expect((mail.from as { value: { name: string; address: string }[] }).value).toEqual([{ name: 'Nordlicht <Software> Bcc: spy@evil.example', address: 'billing@nordlicht.example' }]);
  });
});
