// Sending finalized invoices from the local host: every email is kept as an RFC 5322 .eml file
// in <out>/outbox/ and, when SMTP settings are given, delivered over SMTP. Sending cannot be
// transactional: invoices are marked "sending" (and saved) before anything goes out and "sent"
// after; one found in "sending" later is reported as delivery uncertain, never resent by itself.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files';
import { safeFileName } from '../core/ids';
import { basename, join } from 'node:path';
import nodemailer from 'nodemailer';
import { readDataset } from '../app/workbook';
import { chooseDeliveries, logInvoices, markInvoices, recipientsText } from '../app/delivery';
import { contactsByAccount, invoiceMail } from '../core/mail';
import type { Invoice } from '../core/model';
import type { Ports } from '../ports';
import { renderFinalPdfs } from './documents';
import type { Progress } from './progress';
import { isFacturXPdf } from './pdfa';

export interface SmtpSettings {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  pass?: string;
}

export interface SendReport {
  sent: { invoiceId: string; number: string; to: string[]; eml: string }[];
  /** Found in "sending": the mail may or may not have gone out. Resend explicitly or mark as sent. */
  uncertain: { invoiceId: string; number: string }[];
  failed: { invoiceId: string; number?: string; reason: string }[];
}

export interface SendOptions {
  outDir: string;
  smtp?: SmtpSettings;
  /** Only these invoices (id or number); with `resend` they are sent even if sent or uncertain before. */
  ids?: string[];
  resend?: boolean;
  /** Persists the workbook (called after marking "sending", so a crash cannot lose that mark). */
  flush: () => Promise<void>;
  progress?: Progress;
}

export async function sendInvoices(ports: Ports, o: SendOptions): Promise<SendReport> {
  await renderFinalPdfs(ports, o.outDir, o.ids, o.progress);
  const ds = readDataset(ports);
  const rows = new Map(ds.invoices.map((r) => [r.record.invoiceId, r.row]));
  const choice = chooseDeliveries(ds, o.ids, o.resend);
  const report: SendReport = { sent: [], uncertain: choice.uncertain.map((i) => ({ invoiceId: i.invoiceId, number: i.number! })), failed: [] };
  const due = choice.due;
  const now = () => ports.clock.now().toISOString();
  const mark = (list: { inv: Invoice; values: Record<string, string> }[]) => markInvoices(ports, rows, list);

  const contacts = contactsByAccount(ds.contacts);
  const mails = new Map<string, ReturnType<typeof invoiceMail>>();
  for (const inv of due) {
    try {
      if (!inv.pdfUrl || !existsSync(inv.pdfUrl)) throw new Error('its PDF is missing');
      mails.set(inv.invoiceId, invoiceMail(inv, ds.tenantById.get(inv.tenantId)!, contacts.get(inv.accountId) ?? []));
    } catch (e) {
      report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason: (e as Error).message });
    }
  }
  const ready = due.filter((i) => mails.has(i.invoiceId));
  mark(ready.map((inv) => ({ inv, values: { delivery: 'sending' } })));
  if (ready.length) await o.flush();

  const outbox = join(o.outDir, 'outbox');
  mkdirSync(outbox, { recursive: true });
  const eml = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const smtp = o.smtp && nodemailer.createTransport({
    host: o.smtp.host, port: o.smtp.port, secure: !!o.smtp.secure, ignoreTLS: !o.smtp.secure && o.smtp.host === '127.0.0.1',
    auth: o.smtp.user ? { user: o.smtp.user, pass: o.smtp.pass ?? '' } : undefined,
  });
  const done: { inv: Invoice; values: Record<string, string> }[] = [];
  const logs: { inv: Invoice; action: string; details: string }[] = [];
  for (const inv of ready) {
    const m = mails.get(inv.invoiceId)!;
    const pdf = readFileSync(inv.pdfUrl!);
    // A Factur-X PDF carries the XML: sent once more beside it, an inbound system could book the invoice twice.
    const hybrid = isFacturXPdf(new Uint8Array(pdf));
    const message = {
      from: m.from.address ? { name: m.from.name, address: m.from.address } : m.from.name, replyTo: m.replyTo,
      to: m.to, cc: m.cc, bcc: m.bcc, subject: m.subject, text: m.text, html: m.html,
      messageId: `<${safeFileName(inv.invoiceId)}.${safeFileName(inv.tenantId)}@sheets-billing.invalid>`, date: ports.clock.now(),
      attachments: [
        { filename: basename(inv.pdfUrl!), content: pdf, contentType: 'application/pdf' },
        ...(!hybrid && inv.xmlUrl && existsSync(inv.xmlUrl) ? [{ filename: basename(inv.xmlUrl), content: readFileSync(inv.xmlUrl), contentType: 'application/xml' }] : []),
      ],
    };
    try {
      // The outbox copy keeps its Bcc header (nodemailer's keepBcc), so the file shows every recipient.
      const info = (await eml.sendMail({ ...message, keepBcc: true } as nodemailer.SendMailOptions)) as unknown as { message: Buffer };
      const path = join(outbox, `${safeFileName(inv.number!)}.eml`);
      writeFileAtomic(path, info.message);
      if (smtp) await smtp.sendMail(message);
      const to = recipientsText(m);
      done.push({ inv, values: { delivery: 'sent', sentAt: now(), sentTo: to } });
      logs.push({ inv, action: 'send', details: `${smtp ? 'SMTP' : 'outbox'} to ${to}` });
      report.sent.push({ invoiceId: inv.invoiceId, number: inv.number!, to: m.to, eml: path });
    } catch (e) {
      done.push({ inv, values: { delivery: 'failed' } });
      logs.push({ inv, action: 'send failed', details: (e as Error).message });
      report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason: (e as Error).message });
    }
    o.progress?.(done.length, ready.length);
  }
  mark(done);
  logInvoices(ports, logs);
  return report;
}
