// The local host's mail port: every email is kept as an RFC 5322 .eml file in <out>/outbox/ and,
// when SMTP settings are given, delivered over SMTP. Which invoices, which files a mail carries,
// batches, the delivery states, marks and Log rows are the delivery rule set of app/delivery/,
// the same as in Apps Script; this file hands mails over and keeps the outbox.
//
// Sending cannot be transactional, so every step leaves a trace that a later `send` can read:
// invoices are marked "sending" in batches (the workbook saved before the batch goes out, and
// saved again with the batch's results: `commit`), and per mail the outbox records how far it got:
//   <number>.pending.eml  written (fsync) before the mail is handed to the SMTP server;
//   <number>.eml          the same file renamed once the server accepted it (fsync'd directory).
// Without SMTP the outbox is the delivery: the .eml is written directly. For an invoice a crash
// left "sending" the outbox is the evidence (`evidence`): .eml → it was delivered, recorded as
// sent (Log row, no mail); nothing → never tried, sent normally; only .pending.eml (handed to the
// server, no answer recorded) is "delivery uncertain", never resent by itself. A crash therefore
// leaves at most the one mail in flight uncertain. The outbox folders used are remembered in the
// workbook's state file, so a `send` with another --out still finds them.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { sendInvoicesAsync } from '../app/delivery';
import { safeFileName } from '../core/ids';
import type { InvoiceMail } from '../core/mail';
import type { Invoice } from '../core/model';
import type { MailOutcome, MailPort, Ports, SendEvidence } from '../ports';
import { writePoint } from './crashPoint';
import { LocalDocuments } from './documents';
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
  /** Not sent because the SMTP server said "try again later" (4xx): they stay queued for the next send. */
  queued: number;
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

export async function sendInvoices(ports: Ports, o: SendOptions): Promise<SendReport> {
  const r = await sendInvoicesAsync(ports, new LocalDocuments(o.outDir, () => ports.clock.now()), new Outbox(ports, o), { invoiceIds: o.ids, resend: o.resend, progress: o.progress });
  return {
    sent: r.sent.map((s) => ({ invoiceId: s.invoiceId, number: s.number, to: s.to, eml: s.file ?? '', ...(s.recovered ? { recovered: true } : {}) })),
    uncertain: r.uncertain.map((u) => ({ invoiceId: u.invoiceId, number: u.number, ...(u.file ? { eml: u.file } : {}), ...(u.reason ? { reason: u.reason } : {}) })),
    failed: r.failed,
    queued: r.queued,
  };
}

/** The outbox and SMTP as the delivery flow's mail port. */
export class Outbox implements MailPort<true> {
  /** SMTP sends from the company's address in Settings. */
  readonly sendsFromSettings = true;
  private readonly outbox: string;
  private readonly remembered: string[];
  private readonly smtp?: nodemailer.Transporter;
  private readonly eml = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly ports: Ports,
    private readonly o: SendOptions,
  ) {
    this.outbox = join(o.outDir, 'outbox');
    this.remembered = rememberedOutboxes(ports);
    this.smtp =
      o.smtp &&
      nodemailer.createTransport({
        host: o.smtp.host,
        port: o.smtp.port,
        secure: !!o.smtp.secure,
        ignoreTLS: !o.smtp.secure && o.smtp.host === '127.0.0.1',
        auth: o.smtp.user ? { user: o.smtp.user, pass: o.smtp.pass ?? '' } : undefined,
      });
  }

  /** No daily quota of its own: a server's "try again later" comes back as deferred. */
  remainingQuota(): number {
    return Infinity;
  }

  /** A server that cannot be reached or refuses the login fails every mail before any is handed over. */
  async open(): Promise<string | undefined> {
    if (this.smtp) {
      try {
        await this.smtp.verify();
      } catch (e) {
        return `SMTP server ${this.o.smtp!.host}:${this.o.smtp!.port}: ${(e as Error).message}`;
      }
    }
    mkdirSync(this.outbox, { recursive: true });
    if (!this.remembered.includes(resolve(this.outbox))) {
      writePoint('send: remember the outbox folder');
      this.ports.kv.set(OUTBOXES, JSON.stringify([...this.remembered, resolve(this.outbox)]));
    }
    return undefined;
  }

  commit(): Promise<void> {
    writePoint('send: save the workbook');
    return this.o.flush();
  }

  /** What the outbox folders (this one and those used before) say about an invoice left "sending". */
  evidence(inv: Invoice): SendEvidence {
    const state = outboxState([this.outbox, ...this.remembered.filter((k) => k !== resolve(this.outbox))], inv);
    if (state.pending) return { inFlight: state.pending };
    if (state.delivered) {
      const h = emlSummary(state.delivered);
      return { delivered: { file: state.delivered, to: h.to, recipients: h.recipients, ...(h.date ? { date: h.date } : {}) } };
    }
    return 'never tried';
  }

  /** One invoice's mail: outbox file, SMTP, acceptance recorded in the outbox. */
  async send(m: InvoiceMail, attachments: string[], inv: Invoice): Promise<MailOutcome> {
    const via = this.smtp ? 'SMTP' : 'outbox';
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
      date: this.ports.clock.now(),
      attachments: attachments.map((path) => ({ filename: basename(path), content: readFileSync(path), contentType: path.endsWith('.xml') ? 'application/xml' : 'application/pdf' })),
    };
    let raw: Buffer;
    try {
      // The outbox copy keeps its Bcc header (nodemailer's keepBcc), so the file shows every recipient.
      raw = ((await this.eml.sendMail({ ...message, keepBcc: true } as nodemailer.SendMailOptions)) as unknown as { message: Buffer }).message;
    } catch (e) {
      return { outcome: 'failed', reason: (e as Error).message };
    }
    const { delivered, pending } = outboxFiles(this.outbox, inv.number!);
    if (!this.smtp) {
      // Without SMTP the outbox is the delivery: written whole or not at all.
      writeFileAtomic(delivered, raw, 'send: the .eml (outbox only)');
      return { outcome: 'sent', via, file: delivered };
    }
    writeFileAtomic(pending, raw, 'send: the .pending.eml');
    let info: { rejected?: unknown[] };
    try {
      writePoint('send: hand the mail to the SMTP server');
      info = (await this.smtp.sendMail(message)) as { rejected?: unknown[] };
    } catch (e) {
      const err = e as Error & { responseCode?: number; code?: string };
      if (!certainlyNotSent(err)) return { outcome: 'uncertain', via, file: pending, reason: err.message };
      writePoint('send: remove the refused .pending.eml');
      unlinkSync(pending);
      // 4xx: the server refuses for now (a sending limit, greylisting); it stays queued for the next send.
      return isTransient(err) ? { outcome: 'deferred', reason: err.message } : { outcome: 'failed', reason: err.message };
    }
    writePoint('send: record the acceptance (.pending.eml → .eml)');
    renameSync(pending, delivered);
    syncDirectory(this.outbox);
    const refused = (info.rejected ?? []).map(String);
    return { outcome: 'sent', via, file: delivered, ...(refused.length ? { note: `refused by the server: ${refused.join(', ')}` } : {}) };
  }
}

/** An SMTP answer that means "not now" (4xx): a daily sending limit, greylisting, a busy server. */
function isTransient(e: { responseCode?: number }): boolean {
  return typeof e.responseCode === 'number' && e.responseCode >= 400 && e.responseCode < 500;
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
