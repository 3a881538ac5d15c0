// Sending finalized invoices from the local host: every email is kept as an RFC 5322 .eml file
// in <out>/outbox/ and, when SMTP settings are given, delivered over SMTP.
//
// Sending cannot be transactional, so every step leaves a trace that a later `send` can read:
// invoices are marked "sending" in batches of BATCH (the workbook saved before the batch goes out,
// and saved again with the batch's results), and per mail the outbox records how far it got:
//   <number>.pending.eml  written (fsync) before the mail is handed to the SMTP server;
//   <number>.eml          the same file renamed once the server accepted it (fsync'd directory).
// Without SMTP the outbox is the delivery: the .eml is written directly. A later `send` finds an
// invoice still "sending" (a crash) and looks at the outbox: .eml → it was delivered, recorded as
// sent (Log row, no mail); nothing → never tried, sent normally; only .pending.eml (handed to the
// server, no answer recorded) is "delivery uncertain", never resent by itself. A crash therefore
// leaves at most the one mail in flight uncertain. The outbox folders used are remembered in the
// workbook's state file, so a `send` with another --out still finds them.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { readDataset, rowOfInvoice } from '../app/workbook';
import { BATCH, chooseDeliveries, logInvoices, mailRowsOf, markInvoices, recipientsText } from '../app/delivery';
import { BillingError } from '../core/errors';
import { safeFileName } from '../core/ids';
import { contactsByAccount, invoiceMail, type InvoiceMail } from '../core/mail';
import type { Invoice } from '../core/model';
import type { Ports } from '../ports';
import { writePoint } from './crashPoint';
import { renderFinalPdfs } from './documents';
import { isFacturXPdf } from './pdfa';
import { syncDirectory, writeFileAtomic } from './files';
import type { Progress } from './progress';

export interface SmtpSettings {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  pass?: string;
}

export interface SendReport {
  /**
   * Delivered. `recovered`: delivered by an earlier, interrupted send (its outbox shows the server
   * accepted it, or the outbox file was written without SMTP): recorded now, no new mail.
   */
  sent: { invoiceId: string; number: string; to: string[]; eml: string; recovered?: boolean }[];
  /**
   * Handed to the SMTP server without its answer recorded (a crash, or the connection broke): the
   * mail may or may not have gone out. `eml`: what was sent. Check, then resend explicitly or mark as sent.
   */
  uncertain: { invoiceId: string; number: string; eml?: string; reason?: string }[];
  failed: { invoiceId: string; number?: string; reason: string }[];
}

export interface SendOptions {
  outDir: string;
  smtp?: SmtpSettings;
  /** Only these invoices (id or number); with `resend` they are sent even if sent or uncertain before. */
  ids?: string[];
  resend?: boolean;
  /** Persists the workbook: called before every batch goes out (its "sending" marks) and after the last. */
  flush: () => Promise<void>;
  progress?: Progress;
}

/** Key of the workbook's state: every outbox folder a send has used (JSON array of absolute paths). */
const OUTBOXES = 'send.outboxes';

type Mark = { inv: Invoice; values: Record<string, string> };
type LogEntry = { inv: Invoice; action: string; details: string };

export async function sendInvoices(ports: Ports, o: SendOptions): Promise<SendReport> {
  await renderFinalPdfs(ports, o.outDir, o.ids, o.progress);
  const ds = readDataset(ports);
  const rows = rowOfInvoice(ds);
  const choice = chooseDeliveries(ds, o.ids, o.resend);
  const report: SendReport = { sent: [], uncertain: [], failed: [] };
  const now = () => ports.clock.now().toISOString();
  const outbox = join(o.outDir, 'outbox');
  const remembered = rememberedOutboxes(ports);
  const outboxes = [outbox, ...remembered.filter((k) => k !== resolve(outbox))];
  // Changes not saved yet: saved with the next batch's "sending" marks, or at the end.
  let marks: Mark[] = [];
  let logs: LogEntry[] = [];

  // Left in "sending" by an interrupted send: what does the outbox say?
  const retry = new Set<Invoice>();
  for (const inv of choice.uncertain) {
    const state = outboxState(outboxes, inv);
    if (state.pending) {
      report.uncertain.push({ invoiceId: inv.invoiceId, number: inv.number!, eml: state.pending });
    } else if (state.delivered) {
      const h = emlSummary(state.delivered);
      marks.push({ inv, values: { delivery: 'sent', sentAt: h.date ?? now(), sentTo: h.recipients } });
      logs.push({ inv, action: 'send', details: `recorded after an interrupted send: ${state.delivered} was delivered (no new mail)` });
      report.sent.push({ invoiceId: inv.invoiceId, number: inv.number!, to: h.to, eml: state.delivered, recovered: true });
    } else {
      retry.add(inv); // never handed to anyone: sent normally
    }
  }
  const dueIds = new Set([...choice.due, ...retry].map((i) => i.invoiceId));
  const due = ds.invoices.map((r) => r.record).filter((i) => dueIds.has(i.invoiceId));

  /**
   * Not sent: reported, logged and marked "failed", unless an explicit resend failed: then it keeps
   * what it was before this send (sent, or uncertain).
   */
  const fail = (inv: Invoice, reason: string) => {
    report.failed.push({ invoiceId: inv.invoiceId, number: inv.number, reason });
    logs.push({ inv, action: 'send failed', details: reason });
    const before = inv.delivery === 'sent' || (inv.delivery === 'sending' && !retry.has(inv)) ? inv.delivery : 'failed';
    marks.push({ inv, values: { delivery: before } });
  };

  const contacts = contactsByAccount(ds.contacts);
  const where = mailRowsOf(ports, ds);
  const ready: { inv: Invoice; m: InvoiceMail }[] = [];
  for (const inv of due) {
    try {
      if (!inv.pdfUrl || !existsSync(inv.pdfUrl)) throw new Error('its PDF is missing');
      const m = invoiceMail(inv, ds.tenantById.get(inv.tenantId)!, contacts.get(inv.accountId) ?? [], where(inv));
      if (!m.from.address)
        throw new BillingError(`Settings${where(inv).settings ? ` row ${where(inv).settings}` : ''} (${inv.tenantId}), column Email is empty: invoice emails are sent from this address`);
      ready.push({ inv, m });
    } catch (e) {
      fail(inv, (e as Error).message);
    }
  }

  const smtp =
    o.smtp &&
    nodemailer.createTransport({
      host: o.smtp.host,
      port: o.smtp.port,
      secure: !!o.smtp.secure,
      ignoreTLS: !o.smtp.secure && o.smtp.host === '127.0.0.1',
      auth: o.smtp.user ? { user: o.smtp.user, pass: o.smtp.pass ?? '' } : undefined,
    });
  // A server that cannot be reached or refuses the login fails every mail before any is handed over.
  let stop: string | undefined;
  if (smtp && ready.length) {
    try {
      await smtp.verify();
    } catch (e) {
      stop = `SMTP server ${o.smtp!.host}:${o.smtp!.port}: ${(e as Error).message}`;
    }
  }
  if (ready.length && !stop) {
    mkdirSync(outbox, { recursive: true });
    if (!remembered.includes(resolve(outbox))) {
      writePoint('send: remember the outbox folder');
      ports.kv.set(OUTBOXES, JSON.stringify([...remembered, resolve(outbox)]));
    }
  }

  const save = async () => {
    markInvoices(ports, rows, marks);
    logInvoices(ports, logs);
    marks = [];
    logs = [];
    writePoint('send: save the workbook');
    await o.flush();
  };
  const eml = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let tried = 0;
  for (let b = 0; b < ready.length; b += BATCH) {
    const batch = ready.slice(b, b + BATCH);
    if (stop) {
      for (const { inv } of batch) fail(inv, `not sent: ${stop}`);
      continue;
    }
    // The batch's "sending" marks are saved (with the previous batch's results) before any of it goes out.
    marks.push(...batch.map(({ inv }) => ({ inv, values: { delivery: 'sending' } })));
    await save();
    for (const { inv, m } of batch) {
      if (stop) {
        // Not handed to the server: certainly not sent.
        fail(inv, `not sent: ${stop}`);
        continue;
      }
      const r = await deliver(inv, m, outbox, eml, smtp || undefined, ports.clock.now());
      const to = recipientsText(m);
      if (r.outcome === 'sent') {
        marks.push({ inv, values: { delivery: 'sent', sentAt: now(), sentTo: to } });
        logs.push({ inv, action: 'send', details: `${smtp ? 'SMTP' : 'outbox'} to ${to}${r.note ? `; ${r.note}` : ''}` });
        report.sent.push({ invoiceId: inv.invoiceId, number: inv.number!, to: m.to, eml: r.eml });
      } else if (r.outcome === 'failed') {
        fail(inv, r.reason);
      } else {
        // Stays "sending" with its .pending.eml: the next send reports it as uncertain, as after a crash.
        logs.push({ inv, action: 'send uncertain', details: r.reason });
        report.uncertain.push({ invoiceId: inv.invoiceId, number: inv.number!, eml: r.eml, reason: r.reason });
        stop = `the SMTP connection broke while ${inv.number} was being sent (${r.reason})`;
      }
      o.progress?.(++tried, ready.length);
    }
  }
  if (marks.length || logs.length) await save();
  return report;
}

type Delivery = { outcome: 'sent'; eml: string; note?: string } | { outcome: 'failed'; reason: string } | { outcome: 'uncertain'; eml: string; reason: string };

/** One invoice's mail: outbox file, SMTP, acceptance recorded in the outbox. */
async function deliver(inv: Invoice, m: InvoiceMail, outbox: string, eml: nodemailer.Transporter, smtp: nodemailer.Transporter | undefined, date: Date): Promise<Delivery> {
  const pdf = readFileSync(inv.pdfUrl!);
  // A Factur-X PDF carries the XML: sent once more beside it, an inbound system could book the invoice twice.
  const hybrid = isFacturXPdf(new Uint8Array(pdf));
  // Addresses as objects: nodemailer takes them as they are (each one checked by invoiceMail), never parses a list out of one.
  const one = (address: string) => ({ name: '', address });
  const message = {
    from: { name: m.from.name, address: m.from.address! },
    ...(m.replyTo ? { replyTo: one(m.replyTo) } : {}),
    to: m.to.map(one),
    cc: m.cc.map(one),
    bcc: m.bcc.map(one),
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: messageIdOf(inv),
    date,
    attachments: [
      { filename: basename(inv.pdfUrl!), content: pdf, contentType: 'application/pdf' },
      ...(!hybrid && inv.xmlUrl && existsSync(inv.xmlUrl) ? [{ filename: basename(inv.xmlUrl), content: readFileSync(inv.xmlUrl), contentType: 'application/xml' }] : []),
    ],
  };
  let raw: Buffer;
  try {
    // The outbox copy keeps its Bcc header (nodemailer's keepBcc), so the file shows every recipient.
    raw = ((await eml.sendMail({ ...message, keepBcc: true } as nodemailer.SendMailOptions)) as unknown as { message: Buffer }).message;
  } catch (e) {
    return { outcome: 'failed', reason: (e as Error).message };
  }
  const { delivered, pending } = outboxFiles(outbox, inv.number!);
  if (!smtp) {
    // Without SMTP the outbox is the delivery: written whole or not at all.
    writeFileAtomic(delivered, raw, 'send: the .eml (outbox only)');
    return { outcome: 'sent', eml: delivered };
  }
  writeFileAtomic(pending, raw, 'send: the .pending.eml');
  let info: { rejected?: unknown[] };
  try {
    writePoint('send: hand the mail to the SMTP server');
    info = (await smtp.sendMail(message)) as { rejected?: unknown[] };
  } catch (e) {
    const err = e as Error & { responseCode?: number; code?: string };
    if (!certainlyNotSent(err)) return { outcome: 'uncertain', eml: pending, reason: err.message };
    writePoint('send: remove the refused .pending.eml');
    unlinkSync(pending);
    return { outcome: 'failed', reason: err.message };
  }
  writePoint('send: record the acceptance (.pending.eml → .eml)');
  renameSync(pending, delivered);
  syncDirectory(outbox);
  const refused = (info.rejected ?? []).map(String);
  return { outcome: 'sent', eml: delivered, ...(refused.length ? { note: `refused by the server: ${refused.join(', ')}` } : {}) };
}

/**
 * Whether an SMTP error means the message was certainly not accepted: the server answered with a
 * refusal (4xx/5xx), or the connection, TLS, login or envelope failed before the message was sent.
 * A connection that broke or timed out otherwise may have broken after the server took the message.
 */
function certainlyNotSent(e: { responseCode?: number; code?: string; message: string }): boolean {
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return true;
  if (e.code === 'EAUTH' || e.code === 'ETLS' || e.code === 'EDNS' || e.code === 'EENVELOPE') return true;
  return /\b(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/.test(e.message);
}

/** The outbox files of an invoice: delivered (`<number>.eml`) and handed over, not confirmed (`<number>.pending.eml`). */
export function outboxFiles(outbox: string, number: string): { delivered: string; pending: string } {
  const base = join(outbox, safeFileName(number));
  return { delivered: `${base}.eml`, pending: `${base}.pending.eml` };
}

/** The outbox folders (absolute) earlier sends have used, as remembered in the workbook's state. */
function rememberedOutboxes(ports: Ports): string[] {
  try {
    const v = JSON.parse(ports.kv.get(OUTBOXES) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return []; // an unreadable value: only the current folder is known
  }
}

/** The Message-ID of an invoice's mail: the same for every copy and every resend. */
function messageIdOf(inv: Invoice): string {
  return `<${safeFileName(inv.invoiceId)}.${safeFileName(inv.tenantId)}@sheets-billing.invalid>`;
}

/**
 * A pending file of this invoice in any outbox makes it uncertain; else its delivered .eml means
 * delivered. A file is the invoice's only if its Message-ID says so (two tenants may number alike).
 */
function outboxState(outboxes: string[], inv: Invoice): { pending?: string; delivered?: string } {
  const mine = (path: string) => existsSync(path) && emlField(path, 'Message-ID') === messageIdOf(inv);
  for (const dir of outboxes) {
    const f = outboxFiles(dir, inv.number!);
    if (mine(f.pending)) return { pending: f.pending };
  }
  for (const dir of outboxes) {
    const f = outboxFiles(dir, inv.number!);
    if (mine(f.delivered)) return { delivered: f.delivered };
  }
  return {};
}

/** A header field of an .eml (unfolded), from its first 64 KB. */
function emlField(path: string, name: string): string | undefined {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(64 * 1024);
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = buf.subarray(0, n).toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, ' ');
  return head
    .split(/\r?\n/)
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
}

/** Recipients ("to, cc:…, bcc:…") and date of an outbox .eml, read from its header. */
function emlSummary(path: string): { to: string[]; recipients: string; date?: string } {
  const field = (name: string) => emlField(path, name);
  const list = (name: string) =>
    (field(name) ?? '')
      .split(',')
      .map((a) => (/<([^>]*)>/.exec(a)?.[1] ?? a).trim())
      .filter(Boolean);
  const to = list('To');
  const date = field('Date') && new Date(field('Date')!);
  return {
    to,
    recipients: [...to, ...list('Cc').map((c) => `cc:${c}`), ...list('Bcc').map((b) => `bcc:${b}`)].join(', '),
    ...(date && !Number.isNaN(date.getTime()) ? { date: date.toISOString() } : {}),
  };
}
