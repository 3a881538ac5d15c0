// SEPA direct debit files (ISO 20022 pain.008.001.08, the version German banks take since the
// .001.02 switch-off in November 2025), written by hand rather than with the npm `sepa` package: that
// one defaults to .001.02 and FRST and needs a DOM, and this code also runs in Apps Script.
// Every debit is checked first; a debit with problems stays out of the file (and is listed) so the
// others can still be collected, while a problem of the creditor refuses the whole file.
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { isIsoDate } from '../dates';
import { dec, sum, type Decimal } from '../money';
import { creditorIdText, isCreditorId } from './creditorId';
import { isSepaText, sepaText } from './sepaText';

export interface Creditor {
  name: string;
  iban: string;
  bic?: string;
  creditorId: string;
  /** Where it is written, for messages. */
  sheet: string;
  row: number;
}

export interface DirectDebit {
  invoiceId: string;
  /** The invoice number. */
  endToEndId: string;
  /** Decimal string, e.g. "119.00". */
  amount: string;
  currency: string;
  debtorName: string;
  debtorIban?: string;
  debtorBic?: string;
  mandateId?: string;
  /** YYYY-MM-DD. */
  mandateDate?: string;
  scheme: 'CORE' | 'B2B';
  sequenceType: 'FRST' | 'RCUR';
  /** YYYY-MM-DD. */
  collectionDate: string;
  remittance: string;
  /** The Accounts row it comes from, for messages. */
  sheet: string;
  row: number;
}

export interface Problem {
  sheet: string;
  row: number;
  column: string;
  value: string;
  message: string;
  invoiceId?: string;
}

export interface Pain008Block {
  paymentInfoId: string;
  collectionDate: string;
  sequenceType: string;
  scheme: string;
  count: number;
  controlSum: string;
}

export interface Pain008 {
  xml: string;
  messageId: string;
  count: number;
  controlSum: string;
  blocks: Pain008Block[];
  /** The debits in the file, in file order (block by block). */
  included: DirectDebit[];
  rejected: { debit: DirectDebit; problems: Problem[] }[];
}

export const PAIN_008_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.008.001.08';

/** EPC lengths: names 70 (the schema allows 140, the SEPA rulebook does not), ids 35, remittance 140. */
const NAME_MAX = 70;
const ID_MAX = 35;
const REMITTANCE_MAX = 140;
const AMOUNT_MAX = '999999999.99';

/** Column headers as the user sees them: Settings for the creditor, Accounts and Invoices for a debit. */
const COL = {
  legalName: 'Legal Name',
  iban: 'IBAN',
  bic: 'BIC',
  creditorId: 'Creditor ID',
  mandateId: 'Mandate Reference',
  mandateDate: 'Mandate Date',
  name: 'Name',
  amount: 'Payable',
  currency: 'Currency',
  endToEndId: 'Number',
  collectionDate: 'Collection Date',
} as const;

const trimmed = (s: string | undefined): string => (s ?? '').trim();
const ibanOf = (s: string | undefined): string => electronicFormatIBAN(trimmed(s)) ?? '';
const bicOf = (s: string | undefined): string => trimmed(s).replace(/\s+/g, '').toUpperCase();

/**
 * Why `id` cannot be a SEPA identifier (mandate reference, end-to-end id), or undefined when it can:
 * 1–35 characters of the SEPA set, and (EPC implementation guidelines) no "/" at either end, no "//".
 */
export function sepaIdProblem(id: string): string | undefined {
  if (id.length > ID_MAX) return `is ${id.length} characters long; SEPA allows at most ${ID_MAX}`;
  if (!isSepaText(id)) return `contains characters SEPA does not allow (only letters A–Z without accents, digits, spaces and / - ? : ( ) . , ' +)`;
  if (id.startsWith('/') || id.endsWith('/')) return 'may not start or end with "/"';
  if (id.includes('//')) return 'may not contain "//"';
  return undefined;
}

function ibanProblem(raw: string | undefined, whose: string): string | undefined {
  if (!trimmed(raw)) return `The ${whose} IBAN is missing.`;
  return isValidIBAN(ibanOf(raw)) ? undefined : `This is not a valid IBAN (check the digits and the country code).`;
}

function bicProblem(raw: string | undefined): string | undefined {
  return trimmed(raw) && !isValidBIC(bicOf(raw)) ? 'This is not a valid BIC (8 or 11 letters and digits); leave it empty if unknown.' : undefined;
}

/** Problems of the creditor (Settings): any of them refuses the whole file. */
export function checkCreditor(c: Creditor): Problem[] {
  const out: Problem[] = [];
  const add = (column: string, value: string | undefined, message: string | undefined) => {
    if (message) out.push({ sheet: c.sheet, row: c.row, column, value: value ?? '', message });
  };
  add(COL.legalName, c.name, sepaText(c.name ?? '', NAME_MAX) ? undefined : 'The legal name is needed as the creditor name of a direct debit (in Latin letters).');
  add(COL.iban, c.iban, ibanProblem(c.iban, 'creditor'));
  add(COL.bic, c.bic, bicProblem(c.bic));
  const id = trimmed(c.creditorId);
  add(
    COL.creditorId,
    c.creditorId,
    !id
      ? 'A SEPA creditor identifier is needed for direct debits (from your central bank, e.g. DE98ZZZ09999999999).'
      : isCreditorId(id)
        ? undefined
        : 'This is not a valid SEPA creditor identifier (the check digits do not match).',
  );
  return out;
}

/** Why a debit's amount cannot be collected, or undefined. */
function amountProblem(amount: string): string | undefined {
  const a = trimmed(amount);
  if (!/^\d+(\.\d{1,2})?$/.test(a)) return 'The amount must be a positive number with at most 2 decimals.';
  const v = dec(a);
  if (v.lte(0)) return 'The amount must be more than 0.';
  return v.gt(AMOUNT_MAX) ? `The amount is more than a SEPA direct debit allows (${AMOUNT_MAX}).` : undefined;
}

function mandateDateProblem(d: DirectDebit): string | undefined {
  const date = trimmed(d.mandateDate);
  if (!date) return 'The date the mandate was signed is missing.';
  if (!isIsoDate(date)) return 'This is not a date (YYYY-MM-DD).';
  return isIsoDate(d.collectionDate) && date > d.collectionDate ? `The mandate was signed after the collection date ${d.collectionDate}.` : undefined;
}

function mandateIdProblem(raw: string | undefined): string | undefined {
  const id = trimmed(raw);
  if (!id) return 'The mandate reference is missing: no direct debit without a signed mandate.';
  const why = sepaIdProblem(id);
  return why ? `The mandate reference ${why}.` : undefined;
}

/** Problems of one debit: each keeps this debit (only) out of the file. */
export function checkDebit(d: DirectDebit): Problem[] {
  const out: Problem[] = [];
  const add = (column: string, value: string | undefined, message: string | undefined) => {
    if (message) out.push({ sheet: d.sheet, row: d.row, column, value: value ?? '', message, invoiceId: d.invoiceId });
  };
  const e2e = trimmed(d.endToEndId);
  const e2eWhy = e2e ? sepaIdProblem(e2e) : 'is missing';
  add(COL.name, d.debtorName, sepaText(d.debtorName ?? '', NAME_MAX) ? undefined : 'The account name is needed as the debtor name (in Latin letters).');
  add(COL.iban, d.debtorIban, ibanProblem(d.debtorIban, "customer's"));
  add(COL.bic, d.debtorBic, bicProblem(d.debtorBic));
  add(COL.mandateId, d.mandateId, mandateIdProblem(d.mandateId));
  add(COL.mandateDate, d.mandateDate, mandateDateProblem(d));
  add(COL.collectionDate, d.collectionDate, isIsoDate(d.collectionDate) ? undefined : 'The collection date is not a date (YYYY-MM-DD).');
  // These come from the invoice, not the account row: the message says which invoice.
  const invoice = (message: string | undefined) => message && `Invoice ${e2e || d.invoiceId}: ${message}`;
  add(COL.amount, d.amount, invoice(amountProblem(d.amount)));
  add(COL.currency, d.currency, invoice(trimmed(d.currency).toUpperCase() === 'EUR' ? undefined : 'SEPA direct debits are in EUR only.'));
  add(COL.endToEndId, d.endToEndId, invoice(e2eWhy && `the invoice number ${e2eWhy}; it is the debit's end-to-end reference.`));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Blocks: one PmtInf per collection date, sequence type and scheme.

interface Block extends Pain008Block {
  debits: DirectDebit[];
}

const SEQUENCE_ORDER = ['FRST', 'RCUR'];
const SCHEME_ORDER = ['CORE', 'B2B'];

/** Debits grouped by (date, sequence type, scheme): dates ascending, FRST before RCUR, CORE before B2B; input order inside. */
function blocksOf(messageId: string, debits: readonly DirectDebit[]): Block[] {
  const groups = new Map<string, DirectDebit[]>();
  for (const d of debits) {
    const key = `${d.collectionDate}|${SEQUENCE_ORDER.indexOf(d.sequenceType)}|${SCHEME_ORDER.indexOf(d.scheme)}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(d);
  }
  const keys = [...groups.keys()].sort();
  return keys.map((key, i) => {
    const list = groups.get(key)!;
    return {
      paymentInfoId: `${messageId}-${i + 1}`,
      collectionDate: list[0].collectionDate,
      sequenceType: list[0].sequenceType,
      scheme: list[0].scheme,
      count: list.length,
      controlSum: amountSum(list).toFixed(2),
      debits: list,
    };
  });
}

function amountSum(debits: readonly DirectDebit[]): Decimal {
  return sum(debits.map((d) => dec(trimmed(d.amount))));
}

// ---------------------------------------------------------------------------------------------
// XML: a tiny writer, as every text is already in the SEPA set and only needs escaping.

type XmlNode = [name: string, content: string | XmlNode[], attrs?: Record<string, string>];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function writeXml([name, content, attrs]: XmlNode, indent = ''): string {
  const at = Object.entries(attrs ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (typeof content === 'string') return `${indent}<${name}${at}>${escapeXml(content)}</${name}>\n`;
  return `${indent}<${name}${at}>\n${content.map((c) => writeXml(c, `${indent}  `)).join('')}${indent}</${name}>\n`;
}

/** A bank by BIC, or "NOTPROVIDED" (allowed since the IBAN-only rule of 2016). */
function agent(bic: string | undefined): XmlNode {
  const b = bicOf(bic);
  return ['FinInstnId', b ? [['BICFI', b]] : [['Othr', [['Id', 'NOTPROVIDED']]]]];
}

function transaction(d: DirectDebit): XmlNode {
  const e2e = trimmed(d.endToEndId);
  return [
    'DrctDbtTxInf',
    [
      ['PmtId', [['EndToEndId', e2e]]],
      ['InstdAmt', dec(trimmed(d.amount)).toFixed(2), { Ccy: 'EUR' }],
      [
        'DrctDbtTx',
        [
          [
            'MndtRltdInf',
            [
              ['MndtId', trimmed(d.mandateId)],
              ['DtOfSgntr', trimmed(d.mandateDate)],
            ],
          ],
        ],
      ],
      ['DbtrAgt', [agent(d.debtorBic)]],
      ['Dbtr', [['Nm', sepaText(d.debtorName, NAME_MAX)]]],
      ['DbtrAcct', [['Id', [['IBAN', ibanOf(d.debtorIban)]]]]],
      // Ustrd may not be empty: without a text of its own the debit carries the invoice number.
      ['RmtInf', [['Ustrd', sepaText(d.remittance ?? '', REMITTANCE_MAX) || e2e]]],
    ],
  ];
}

function paymentInfo(b: Block, c: Creditor): XmlNode {
  return [
    'PmtInf',
    [
      ['PmtInfId', b.paymentInfoId],
      ['PmtMtd', 'DD'],
      ['BtchBookg', 'true'],
      ['NbOfTxs', String(b.count)],
      ['CtrlSum', b.controlSum],
      [
        'PmtTpInf',
        [
          ['SvcLvl', [['Cd', 'SEPA']]],
          ['LclInstrm', [['Cd', b.scheme]]],
          ['SeqTp', b.sequenceType],
        ],
      ],
      ['ReqdColltnDt', b.collectionDate],
      ['Cdtr', [['Nm', sepaText(c.name, NAME_MAX)]]],
      ['CdtrAcct', [['Id', [['IBAN', ibanOf(c.iban)]]]]],
      ['CdtrAgt', [agent(c.bic)]],
      ['ChrgBr', 'SLEV'],
      [
        'CdtrSchmeId',
        [
          [
            'Id',
            [
              [
                'PrvtId',
                [
                  [
                    'Othr',
                    [
                      ['Id', creditorIdText(c.creditorId)],
                      ['SchmeNm', [['Prtry', 'SEPA']]],
                    ],
                  ],
                ],
              ],
            ],
          ],
        ],
      ],
      ...b.debits.map(transaction),
    ],
  ];
}

// ---------------------------------------------------------------------------------------------
// The file

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function problemList(problems: readonly Problem[]): string {
  return problems.map((p) => `- ${p.sheet} row ${p.row}, ${p.column} "${p.value}": ${p.message}`).join('\n');
}

/** The message header's fields, checked: they come from the program, so a bad one is an error, not a user's problem. */
function header(messageId: string, createdAt: string): { messageId: string; createdAt: string } {
  const why = sepaIdProblem(messageId);
  if (!messageId || why) throw new Error(`The direct debit message id "${messageId}" ${why ?? 'is empty'}.`);
  const m = DATE_TIME.exec(createdAt);
  // Fractions of a second are dropped: some banks' checks take only whole seconds.
  if (!m || !isIsoDate(m[1].slice(0, 10))) throw new Error(`The direct debit creation time "${createdAt}" is not an ISO date-time.`);
  return { messageId, createdAt: m[1] + (m[2] ?? '') };
}

/** Splits the debits into those that can go into the file and those with problems (or already in it). */
function sortOut(debits: readonly DirectDebit[]): { ok: DirectDebit[]; rejected: Pain008['rejected'] } {
  const ok: DirectDebit[] = [];
  const rejected: Pain008['rejected'] = [];
  const seen = new Set<string>();
  for (const debit of debits) {
    const problems = checkDebit(debit);
    // The same invoice twice in one file would be collected twice.
    if (seen.has(debit.invoiceId)) {
      problems.push({
        sheet: debit.sheet,
        row: debit.row,
        column: COL.endToEndId,
        value: debit.endToEndId,
        message: `Invoice ${debit.endToEndId} is already in this file.`,
        invoiceId: debit.invoiceId,
      });
    }
    if (problems.length) {
      rejected.push({ debit, problems });
    } else {
      ok.push(debit);
      seen.add(debit.invoiceId);
    }
  }
  return { ok, rejected };
}

/**
 * A pain.008.001.08 file of the debits that pass their checks. Throws when the creditor has problems
 * (listing them), when the message id or time is malformed, or when no debit is left.
 */
export function buildPain008(msg: { messageId: string; createdAt: string; creditor: Creditor; debits: readonly DirectDebit[] }): Pain008 {
  const { messageId, createdAt } = header(msg.messageId, msg.createdAt);
  const creditorProblems = checkCreditor(msg.creditor);
  if (creditorProblems.length) throw new Error(`No direct debit file: the creditor settings need fixing first.\n${problemList(creditorProblems)}`);
  const { ok, rejected } = sortOut(msg.debits);
  if (!ok.length) {
    const why = msg.debits.length ? `all ${msg.debits.length} debits have problems.\n${problemList(rejected.flatMap((r) => r.problems))}` : 'there are no debits to collect.';
    throw new Error(`No direct debit file: ${why}`);
  }
  const blocks = blocksOf(messageId, ok);
  const last = blocks[blocks.length - 1].paymentInfoId;
  if (last.length > ID_MAX) throw new Error(`The direct debit message id "${messageId}" is too long for its payment ids ("${last}" is over ${ID_MAX} characters).`);
  const controlSum = amountSum(ok).toFixed(2);
  const groupHeader: XmlNode = [
    'GrpHdr',
    [
      ['MsgId', messageId],
      ['CreDtTm', createdAt],
      ['NbOfTxs', String(ok.length)],
      ['CtrlSum', controlSum],
      ['InitgPty', [['Nm', sepaText(msg.creditor.name, NAME_MAX)]]],
    ],
  ];
  const doc: XmlNode = ['Document', [['CstmrDrctDbtInitn', [groupHeader, ...blocks.map((b) => paymentInfo(b, msg.creditor))]]], { xmlns: PAIN_008_NAMESPACE }];
  return {
    xml: `<?xml version="1.0" encoding="UTF-8"?>\n${writeXml(doc)}`,
    messageId,
    count: ok.length,
    controlSum,
    blocks: blocks.map(({ debits: _, ...b }) => b),
    included: blocks.flatMap((b) => b.debits),
    rejected,
  };
}
