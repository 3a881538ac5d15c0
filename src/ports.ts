// What the use cases need from a host (Apps Script or Node). Everything is synchronous: Apps Script
// is, and the Node host loads a workbook into memory first and saves it after.
import type { Cell } from './core/cells';
import type { RawTable } from './core/table';
import type { TableName } from './core/schema';
import type { DocText } from './core/docText';
import type { InvoiceMail } from './core/mail';
import type { Tenant } from './core/model';

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
  /** Run `fn` holding the document's lock; throw a clear error (who holds it, since when) if another action does. */
  withLock<T>(fn: () => T, what?: string): T;
}

/** Invoice documents of a synchronous host (Apps Script: a Google Doc and its PDF in Drive). */
export interface DocumentsPort {
  /** Makes the document of a finalized invoice under the tenant's folder, `<yyyy>/<mm>/`, named `name`. */
  render(text: DocText, tenant: Tenant, name: string, date: string): { docUrl: string; pdfUrl: string };
  /** Stores an e-invoice XML beside the invoice's documents; returns its URL. */
  saveXml(xml: string, tenant: Tenant, name: string, date: string): string;
  /** A draft's preview PDF (not recorded in the ledger); returns its URL. */
  preview(text: DocText, tenant: Tenant, name: string): string;
  /** Whether the file behind a ledger link still exists (not deleted, not in the trash). */
  exists(url: string): boolean;
}

/** Email of a synchronous host (Apps Script: MailApp, sent from the user's Gmail). */
export interface MailPort {
  /** Recipients the host may still send to today. */
  remainingQuota(): number;
  /** Sends one invoice email with the files behind these links attached. */
  send(mail: InvoiceMail, attachmentUrls: string[]): void;
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
}

/** Rights the host enforces, asked before writing so that nobody meets the host's own error half-way. */
export interface AccessPort {
  /** False for a user who may only view the spreadsheet. */
  canEditSpreadsheet(): boolean;
  /** Whether the running user may write the engine's sheets (their protections list the user). */
  canWriteLedger(): boolean;
}
