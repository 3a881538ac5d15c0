// What the use cases need from a host (Apps Script or Node). The tables are synchronous: Apps Script
// is, and the Node host loads a workbook into memory first and saves it after. Documents and mail
// may be asynchronous in Node (HostResult).
import type { Cell } from './core/cells';
import type { RawTable } from './core/table';
import type { TableName } from './core/schema';
import type { DocText } from './core/docText';
import type { InvoiceMail } from './core/mail';
import type { Account, Invoice, InvoiceDoc, Tenant } from './core/model';

export type CellValue = string | number | boolean;

/** Changes to one sheet, all in bulk. Rows are sheet rows as read (header = row 1). */
export interface TablePatch {
  /** Set the given columns (by schema key) of existing rows; other columns stay untouched. */
  update?: { row: number; values: Record<string, CellValue> }[];
  /** Delete these rows (applied after the updates). */
  remove?: number[];
  /** Add rows at the end (by schema key; the user's own columns stay empty). */
  append?: Record<string, CellValue>[];
}

export interface TablePort {
  /** The whole sheet in one bulk read; undefined if the sheet does not exist. */
  read(name: TableName): RawTable | undefined;
  /**
   * The header row and the sheet rows from `firstRow` (≥ 2) to `lastRow` (default: the last row),
   * without the rows above: what a slice needs of a sheet that only grows (Invoices, InvoiceLines).
   * `firstRow` of the result says where rows[0] is; undefined if the sheet does not exist. A later
   * `apply` may update only rows read here (and append).
   */
  readFrom(name: TableName, firstRow: number, lastRow?: number): RawTable | undefined;
  /** One column (by schema key) of every data row (rows[i] is sheet row i + 2); undefined if the sheet or column is missing. */
  readColumn(name: TableName, key: string): Cell[] | undefined;
  /** Apply a patch with as few bulk writes as possible; missing engine columns are added. */
  apply(name: TableName, patch: TablePatch): void;
}

export interface ClockPort {
  now(): Date;
  /** Today's date (YYYY-MM-DD) in the spreadsheet's time zone. */
  today(): string;
  /** The hour (0–23) in the spreadsheet's time zone. */
  hour(): number;
}

export interface LockPort {
  /** Run `fn` holding the document's lock; throw a clear error (who holds it, since when) if another action does. `what`: a verb phrase ("send invoices"). */
  withLock<T>(fn: () => T, what?: string): T;
}

/**
 * What a delivery port call returns: the value itself in a synchronous host (Apps Script, where
 * `A` is false), the value or a promise of it in an asynchronous one (Node: pdfkit, SMTP). The
 * delivery flows (app/delivery/) are one rule set for both; app/delivery/io.ts runs them.
 */
export type HostResult<T, A extends boolean> = A extends true ? T | Promise<T> : T;

/** What an invoice document is made of, for a host that renders it from the invoice (Node's pdfkit) rather than from the text. */
export interface DocumentJob {
  doc: InvoiceDoc;
  account?: Account;
  /** A draft (preview): watermarked, unnumbered. */
  draft?: boolean;
  /** A Factur-X / ZUGFeRD customer's CII XML, to embed in the PDF if the host can (the XML file beside it stays the archive copy). */
  facturX?: string;
  /** For a credit note: the invoice it credits, with its lines (its number, date and credited service period print). */
  original?: InvoiceDoc;
}

/** A finalized invoice's document as made: links for the ledger. */
export interface RenderedDocument {
  /** The editable document (Apps Script: the Google Doc); none where the PDF is made directly. */
  docUrl?: string;
  pdfUrl: string;
  /** The PDF carries the e-invoice XML inside (Factur-X). */
  carriesXml?: boolean;
}

/**
 * Invoice documents: Apps Script (a Google Doc and its PDF in Drive, `A` false) or Node (PDF/A
 * files, `A` true). A call throws when the document was not made; nothing of it is recorded then.
 */
export interface DocumentsPort<A extends boolean = false> {
  /** Makes the document of a finalized invoice under the tenant's folder, `<yyyy>/<mm>/`, named `name`. */
  render(text: DocText, tenant: Tenant, name: string, date: string, job: DocumentJob): HostResult<RenderedDocument, A>;
  /** Stores an e-invoice XML beside the invoice's documents; returns its URL. */
  saveXml(xml: string, tenant: Tenant, name: string, date: string, job: DocumentJob): HostResult<string, A>;
  /** A draft's preview PDF (not recorded in the ledger); returns its URL. */
  preview(text: DocText, tenant: Tenant, name: string, job: DocumentJob): HostResult<string, A>;
  /** Whether the file behind a ledger link still exists (not deleted, not in the trash). */
  exists(url: string): boolean;
  /** Whether the PDF behind a ledger link carries the e-invoice XML inside (Factur-X); default: never. */
  carriesXml?(pdfUrl: string): boolean;
  /**
   * True: every invoice's files are checked, also in a bulk pass (a local disk, where a check is
   * cheap). Otherwise only named invoices are (Drive: a call per file); the bulk pass trusts the links.
   */
  readonly checksEveryFile?: boolean;
}

/**
 * How one mail went. A mail port may also throw, but only when the mail certainly did not go out
 * (the error's message is the reason; a daily quota says "too many times for one day").
 */
export type MailOutcome =
  | { outcome: 'sent' /** how, for the Log ("SMTP", "outbox"; default "email") */; via?: string /** a copy of what was sent */; file?: string; note?: string }
  | { outcome: 'failed'; reason: string }
  /** Not sent, and nothing more today (a server's "try again later"): it waits in the queue. */
  | { outcome: 'deferred'; reason: string }
  /** Handed over, no answer: it may have gone out. It stays "sending" (uncertain), and nothing more is tried in this call. */
  | { outcome: 'uncertain'; via?: string; file?: string; reason: string };

/** What a host knows of a mail an interrupted call left "sending". */
export type SendEvidence =
  /** The host's record shows it was delivered. */
  | { delivered: { file: string; to: string[]; recipients: string; date?: string } }
  /** It was handed over and no answer recorded: uncertain. */
  | { inFlight: string }
  /** Never handed to anyone: sent normally. */
  | 'never tried';

/** Email: Apps Script's MailApp (synchronous), Node's outbox and SMTP (asynchronous). */
export interface MailPort<A extends boolean = false> {
  /** Recipients the host may still send to today (Infinity without a quota). */
  remainingQuota(): number;
  /** Sends one invoice email with the files behind these links attached; nothing returned means sent. */
  // biome-ignore lint/suspicious/noConfusingVoidType: MailApp's adapter returns nothing (void) when the mail went out
  send(mail: InvoiceMail, attachmentUrls: string[], invoice: Invoice): HostResult<MailOutcome | void, A>;
  /** Before the first mail of a call: a reason every mail of it fails (a server that cannot be reached), or undefined. */
  open?(): HostResult<string | undefined, A>;
  /** Makes what the flow wrote so far durable (Node saves the workbook); called before each batch goes out and at the end. */
  commit?(): HostResult<void, A>;
  /** For an invoice found "sending": what the host's records say; without it, every such invoice is uncertain. */
  evidence?(invoice: Invoice): SendEvidence | undefined;
  /** Mail goes out from the company's address in Settings (SMTP), not from the signed-in user's mailbox (MailApp). */
  readonly sendsFromSettings?: boolean;
}

/**
 * Small state that is not a table (checkpoints of cut runs, scheduler state): Document Properties
 * in Apps Script (9 KB a value), a JSON file beside the workbook in Node.
 */
export interface KeyValuePort {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

export interface Ports {
  tables: TablePort;
  clock: ClockPort;
  kv: KeyValuePort;
  lock: LockPort;
  /** SHA-256 of a UTF-8 string as lowercase hex. */
  sha256(text: string): string;
  /** Who is acting (email or "trigger"). */
  user(): string;
  /** How Date cells become calendar dates in the sheet's time zone (default: UTC fields). */
  dateOf?: (d: Date) => string;
  locale?: 'de' | 'en';
  /**
   * Only the billing admins named in Settings may finalize, cancel and credit (Apps Script, where
   * the spreadsheet is shared; the local CLI's user owns the file).
   */
  enforceAdmins?: boolean;
  /** What the host lets the running user change (Apps Script: the spreadsheet's sharing and protections). */
  access?: AccessPort;
  /** Files the engine writes besides documents (SEPA direct-debit files). */
  files?: FilesPort;
}

/**
 * A text file saved under the tenant's folder (Node: out/<tenant>/<folder>/<name>; Apps Script:
 * the tenant's Drive folder, subfolder <folder>). Saving a name again replaces the file, so a
 * repeated action writes the same file once. Returns the file's link or path.
 */
export interface FilesPort {
  save(tenant: Tenant, folder: string, name: string, content: string, mimeType: string): string;
}

/** Rights the host enforces, asked before writing so that nobody meets the host's own error half-way. */
export interface AccessPort {
  /** False for a user who may only view the spreadsheet. */
  canEditSpreadsheet(): boolean;
  /** Whether the running user may write the engine's sheets (their protections list the user). */
  canWriteLedger(): boolean;
}
