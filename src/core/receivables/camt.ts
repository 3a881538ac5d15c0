// ISO 20022 bank statements read into BankEntry records: camt.053 (bank-to-customer statement,
// versions .001.02, .001.04 and .001.08) and camt.054.001.08 (debit/credit notification). Only
// booked entries count; a batch entry gives one record per transaction. Amounts stay the decimal
// strings the bank wrote. Pure: no Node APIs, so it runs in Apps Script's V8 as well.
import { streamXml, type XmlElement, XmlSyntaxError } from '../xmlRead';
import { BillingError } from '../errors';
import type { BankEntry, Origin, StatementRead } from './types';

/** The documents read, by namespace: the report element under Document and its entries' container. */
const FORMATS: Record<string, { root: string; report: string }> = {
  'camt.053.001.02': { root: 'BkToCstmrStmt', report: 'Stmt' },
  'camt.053.001.04': { root: 'BkToCstmrStmt', report: 'Stmt' },
  'camt.053.001.08': { root: 'BkToCstmrStmt', report: 'Stmt' },
  'camt.054.001.08': { root: 'BkToCstmrDbtCdtNtfctn', report: 'Ntfctn' },
};

/** A year of a busy account's statements is a few MB; beyond this a file is not read (Apps Script's memory). */
export const MAX_STATEMENT_CHARS = 32 << 20;
/** Statements nest about 12 deep; the parser's own limit, named so the message can say it. */
const MAX_DEPTH = 100;

// ---------- navigation in the streamed tree ----------

const NONE: readonly XmlElement[] = [];
const stepsOf = new Map<string, string[]>();
const stepsFor = (path: string) => {
  let steps = stepsOf.get(path);
  if (!steps) stepsOf.set(path, (steps = path.split('/')));
  return steps;
};

/** Every element at a path of local names ("a/b/c"), in document order (paths split once: read per entry many times). */
function all(n: XmlElement | undefined, path: string): XmlElement[] {
  if (!n) return [];
  let cur: XmlElement[] = [n];
  for (const step of stepsFor(path)) {
    const next: XmlElement[] = [];
    for (const c of cur) for (const x of c.children ?? NONE) if (x.name === step) next.push(x);
    if (!next.length) return next;
    cur = next;
  }
  return cur;
}

const text = (n: XmlElement) => n.text || undefined;

/** The first non-empty text below `n` along `steps` from `i`, depth first in document order (no arrays built: read ~20 times per entry). */
function firstText(n: XmlElement, steps: readonly string[], i: number): string | undefined {
  if (i === steps.length) return text(n);
  for (const c of n.children ?? NONE) {
    if (c.name !== steps[i]) continue;
    const t = firstText(c, steps, i + 1);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** The first non-empty text at one of the paths, tried in order. */
function txt(n: XmlElement | undefined, ...paths: string[]): string | undefined {
  if (!n) return undefined;
  for (const path of paths) {
    const t = firstText(n, stepsFor(path), 0);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** An Amt element: its text and Ccy attribute, or undefined when there is none at the path. */
function amountAt(n: XmlElement | undefined, path: string): { value?: string; currency?: string } | undefined {
  const e = all(n, path)[0];
  if (e === undefined) return undefined;
  return { value: text(e), currency: e.attributes?.Ccy?.trim() };
}

// ---------- the document ----------

/** The camt version a root element declares (its own namespace, by prefix or default); throws when it is none read here. */
function formatOf(file: string, qualifiedName: string, attributes: Record<string, string>): { version: string; root: string; report: string } {
  const [prefix, name] = qualifiedName.includes(':') ? qualifiedName.split(':', 2) : ['', qualifiedName];
  const ns = attributes[prefix ? `xmlns:${prefix}` : 'xmlns'];
  const version = /^urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3}\.\d{3}\.\d{2})$/.exec(ns ?? '')?.[1];
  const known = version ? FORMATS[version] : undefined;
  if (version && known && name === 'Document') return { version, ...known };
  const what = `<${name}>${ns ? ` in namespace ${ns}` : ' without a namespace'}`;
  throw new BillingError(`${file}: not a bank statement read here (camt.053.001.02/.04/.08 or camt.054.001.08): the document is ${what}`, { code: 'invalid', ref: file });
}

/**
 * The statement's text, refused before reading when it is too large or declares entities; and how
 * many lines a BOM and blank lines before the declaration (seen in exports, harmless) took.
 */
function statementText(raw: string, file: string): { xml: string; linesBefore: number } {
  const lead = /^\uFEFF?\s*/.exec(raw)![0];
  const xml = raw.slice(lead.length);
  if (xml.length > MAX_STATEMENT_CHARS) throw new BillingError(`${file}: ${xml.length} characters; a statement over ${MAX_STATEMENT_CHARS >> 20} MB is not read`, { code: 'invalid', ref: file });
  // Entity declarations can name outside files or expand to gigabytes ("billion laughs"); banks write none.
  if (xml.includes('<!ENTITY')) throw new BillingError(`${file}: the XML declares entities (<!ENTITY …>); bank statements declare none, so it is not read`, { code: 'invalid', ref: file });
  return { xml, linesBefore: lead.split('\n').length - 1 };
}

/** A reading error as the user reads it: the file, and the line as the file has it. */
function readingError(e: unknown, file: string, linesBefore: number): unknown {
  if (!(e instanceof XmlSyntaxError)) return e;
  const line = e.line + linesBefore;
  if (e.limit) return new BillingError(`${file}: the XML cannot be read: ${e.reason} (line ${line})`, { code: 'invalid', ref: file });
  return new BillingError(`${file}: not well-formed XML (line ${line}: ${e.reason})`, { code: 'invalid', ref: file });
}

/**
 * Reads a camt.053 or camt.054 document: every booked entry, and what was left out with the reason.
 * Streamed: each Ntry is read as it closes, with the statement it stands in as read so far (the
 * schema puts the statement's Id, pagination and account before its entries); a statement
 * without entries is counted when it closes.
 */
export function readCamt(raw: string, file: string): StatementRead {
  const { xml, linesBefore } = statementText(raw, file);
  const read: StatementRead = { format: '', entries: [], skipped: [] };
  let format: { version: string; root: string; report: string } | undefined;
  const places = new Map<XmlElement, { id: string; iban?: string; count: number }>();
  let position = 0;
  /** The statement (Stmt or Ntfctn) a report element is, described once, numbered in document order. */
  const placeOf = (report: XmlElement) => {
    let place = places.get(report);
    if (!place) {
      const iban = txt(report, 'Acct/Id/IBAN');
      if (iban !== undefined && read.accountIban === undefined) read.accountIban = iban;
      // A statement split over pages (files) keeps its Id on each page: the page keeps their keys apart.
      const page = txt(report, 'StmtPgntn/PgNb', 'NtfctnPgntn/PgNb');
      places.set(report, (place = { id: `${txt(report, 'Id') ?? `#${places.size + 1}`}${page ? `/p${page}` : ''}`, iban, count: 0 }));
    }
    return place;
  };
  /** Whether the open elements above are Document/root/report (a statement's own level). */
  const atReport = (above: readonly XmlElement[], n: number) => above.length === n && above[1]?.name === format?.root && (n === 2 || above[2].name === format?.report);
  try {
    streamXml(xml, {
      detach: new Set(['Ntry', 'Stmt', 'Ntfctn']),
      maxDepth: MAX_DEPTH,
      onRoot: (name, attributes) => {
        format = formatOf(file, name, attributes);
        read.format = format.version;
      },
      onElement: (el, above) => {
        if (el.name === 'Ntry' && atReport(above, 3)) {
          const place = placeOf(above[2]);
          position++;
          readEntry(el, { file, entry: position }, { id: place.id, iban: place.iban, index: ++place.count }, read);
        } else if (el.name === format?.report && atReport(above, 2)) placeOf(el);
        // An element of these names elsewhere is no statement's: it stays where it stood.
        else if (el.name !== 'Ntry') (above[above.length - 1].children ??= []).push(el);
      },
    });
  } catch (e) {
    throw readingError(e, file, linesBefore);
  }
  return read;
}

// ---------- one entry ----------

interface Place {
  /** Statement Id (or its position) with its page, the account's IBAN, and the entry's position in the statement. */
  id: string;
  iban?: string;
  index: number;
}

/** What an entry says for all its transactions. */
interface EntryHead {
  bookingDate: string;
  valueDate?: string;
  direction: 'CRDT' | 'DBIT';
  reversal: boolean;
  bankReference?: string;
  transactionCode?: string;
  amount: { value?: string; currency?: string };
}

/** A Dt or DtTm element's date part, undefined when absent; 'bad' when it is no date. */
function dateAt(n: XmlElement, path: string): string | undefined {
  const v = txt(n, `${path}/Dt`, `${path}/DtTm`);
  if (v === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : 'bad';
}

/** A bank transaction code: Domain/Family/Sub-family, else the proprietary code. */
function transactionCode(n: XmlElement | undefined): string | undefined {
  const domain = txt(n, 'BkTxCd/Domn/Cd');
  if (domain !== undefined) return [domain, txt(n, 'BkTxCd/Domn/Fmly/Cd'), txt(n, 'BkTxCd/Domn/Fmly/SubFmlyCd')].filter((c) => c !== undefined).join('/');
  return txt(n, 'BkTxCd/Prtry/Cd');
}

/** The entry's common fields, or the reason it is left out. */
function entryHead(ntry: XmlElement, where: string): EntryHead | string {
  const status = txt(ntry, 'Sts', 'Sts/Cd', 'Sts/Prtry');
  if (status !== 'BOOK') return `${where}: status ${status ?? '(none)'}, not booked`;
  const direction = txt(ntry, 'CdtDbtInd');
  if (direction !== 'CRDT' && direction !== 'DBIT') return `${where}: credit/debit indicator ${direction ?? '(none)'} is neither CRDT nor DBIT`;
  const bookingDate = dateAt(ntry, 'BookgDt');
  if (bookingDate === undefined || bookingDate === 'bad') return `${where}: no booking date`;
  const valueDate = dateAt(ntry, 'ValDt');
  if (valueDate === 'bad') return `${where}: the value date is no date`;
  return {
    bookingDate,
    valueDate,
    direction,
    reversal: ['true', '1'].includes(txt(ntry, 'RvslInd') ?? ''),
    bankReference: txt(ntry, 'AcctSvcrRef'),
    transactionCode: transactionCode(ntry),
    amount: amountAt(ntry, 'Amt') ?? {},
  };
}

/** Why an amount cannot be taken, or undefined when it is a plain non-negative decimal with a currency. */
function amountProblem(amount: { value?: string; currency?: string }, where: string): string | undefined {
  if (amount.value === undefined) return `${where}: no amount`;
  if (!/^\d+(\.\d+)?$/.test(amount.value)) return `${where}: amount "${amount.value}" is not a non-negative decimal number`;
  if (!amount.currency) return `${where}: amount ${amount.value} has no currency`;
  return undefined;
}

function readEntry(ntry: XmlElement, origin: Origin, place: Place, read: StatementRead): void {
  const where = `${origin.file}, entry ${origin.entry}`;
  const head = entryHead(ntry, where);
  if (typeof head === 'string') {
    read.skipped.push({ origin, reason: head });
    return;
  }
  const txs = all(ntry, 'NtryDtls/TxDtls');
  if (txs.length === 0) {
    const problem = amountProblem(head.amount, where);
    if (problem) read.skipped.push({ origin, reason: problem });
    else read.entries.push(bankEntry(head, undefined, head.amount, { origin, place, tx: 0, batch: false }));
    return;
  }
  txs.forEach((tx, t) => {
    // A lone transaction without its own amount is the whole entry's.
    const amount = amountAt(tx, 'Amt') ?? amountAt(tx, 'AmtDtls/TxAmt/Amt') ?? (txs.length === 1 ? head.amount : {});
    const problem = amountProblem(amount, txs.length > 1 ? `${where}, transaction ${t + 1}` : where);
    if (problem) read.skipped.push({ origin, reason: problem });
    else read.entries.push(bankEntry(head, tx, amount, { origin, place, tx: t + 1, batch: txs.length > 1 }));
  });
}

/** A party of the transaction (Dbtr or Cdtr): name, account IBAN, and its bank's BIC. */
function partyOf(tx: XmlElement | undefined, party: 'Dbtr' | 'Cdtr'): { name?: string; iban?: string; bic?: string } {
  return {
    name: txt(tx, `RltdPties/${party}/Pty/Nm`, `RltdPties/${party}/Nm`),
    iban: txt(tx, `RltdPties/${party}Acct/Id/IBAN`)?.replace(/\s+/g, ''),
    bic: txt(tx, `RltdAgts/${party}Agt/FinInstnId/BICFI`, `RltdAgts/${party}Agt/FinInstnId/BIC`),
  };
}

/**
 * The party on the other side: the debtor of a credit, the creditor of a debit. A return or a
 * reversal keeps the original transaction's parties (the return of our direct debit names the
 * customer as debtor), so there the other side is taken. Our own account is never the counterparty.
 */
function counterparty(tx: XmlElement | undefined, head: EntryHead, ownIban: string | undefined): { name?: string; iban?: string; bic?: string } {
  const swapped = head.reversal || all(tx, 'RtrInf').length > 0;
  const [side, other] = (head.direction === 'CRDT') !== swapped ? (['Dbtr', 'Cdtr'] as const) : (['Cdtr', 'Dbtr'] as const);
  const party = partyOf(tx, side);
  const isOwn = (p: { iban?: string }) => ownIban !== undefined && p.iban === ownIban;
  const absent = party.name === undefined && party.iban === undefined;
  if (!isOwn(party) && !(swapped && absent)) return party;
  const alt = partyOf(tx, other);
  return isOwn(alt) || (alt.name === undefined && alt.iban === undefined) ? party : alt;
}

function remittanceOf(tx: XmlElement | undefined): string | undefined {
  const lines = all(tx, 'RmtInf/Ustrd')
    .map(text)
    .filter((l): l is string => l !== undefined);
  return lines.length ? lines.join(' ') : undefined;
}

function bankEntry(head: EntryHead, tx: XmlElement | undefined, amount: { value?: string; currency?: string }, at: { origin: Origin; place: Place; tx: number; batch: boolean }): BankEntry {
  const party = counterparty(tx, head, at.place.iban);
  const endToEnd = txt(tx, 'Refs/EndToEndId');
  // A batch whose transactions carry no reference of their own share the entry's: numbered, so each stays distinct.
  const entryRef = head.bankReference !== undefined && at.batch ? `${head.bankReference}/${at.tx}` : head.bankReference;
  const e: BankEntry = {
    bookingDate: head.bookingDate,
    valueDate: head.valueDate,
    amount: amount.value!,
    currency: amount.currency!,
    direction: head.direction,
    reversal: head.reversal,
    counterpartyName: party.name,
    counterpartyIban: party.iban,
    counterpartyBic: party.bic,
    remittance: remittanceOf(tx),
    creditorReference: txt(tx, 'RmtInf/Strd/CdtrRefInf/Ref'),
    endToEndId: endToEnd === 'NOTPROVIDED' ? undefined : endToEnd,
    mandateId: txt(tx, 'Refs/MndtId'),
    bankReference: txt(tx, 'Refs/AcctSvcrRef') ?? entryRef ?? txt(tx, 'Refs/TxId'),
    returnReason: txt(tx, 'RtrInf/Rsn/Cd'),
    transactionCode: transactionCode(tx) ?? head.transactionCode,
    entryKey: '',
    origin: at.origin,
  };
  e.entryKey = entryKey(e, at.place, at.tx);
  return e;
}

/**
 * What identifies a movement: what the statement says of it, and where it stands in its statement
 * (two equal transfers on one day differ by position; the same file read again gives the same key).
 */
function entryKey(e: BankEntry, place: Place, tx: number): string {
  const at = tx ? `${place.id}#${place.index}.${tx}` : `${place.id}#${place.index}`;
  return JSON.stringify(['camt', place.iban ?? '', at, e.bookingDate, e.valueDate ?? '', e.amount, e.currency, e.direction, e.counterpartyIban ?? '', e.remittance ?? '', e.endToEndId ?? '']);
}
