// One entry point for a statement file as the user uploads it: camt XML or a bank's CSV export,
// told apart by its first character; bytes are decoded here (UTF-8, else Windows-1252).
import { BillingError } from '../errors';
import { decodeStatementBytes, parseCsvMapping, readBankCsv } from './bankCsv';
import { readCamt } from './camt';
import type { StatementRead } from './types';

export interface StatementOptions {
  /** The Settings value "Bank CSV Columns" (date=Buchungstag; amount=Betrag; ...); needed for CSV only. */
  csvColumns?: string;
  /** The currency of CSV rows without a currency column. */
  currency: string;
}

/** Reads a statement file: camt.053/.054 when its text starts with '<', else a bank CSV export read with the mapping. */
export function readStatement(bytesOrText: Uint8Array | string, file: string, opts: StatementOptions): StatementRead {
  const text = typeof bytesOrText === 'string' ? bytesOrText : decodeStatementBytes(bytesOrText);
  if (/^\uFEFF?\s*</.test(text)) return readCamt(text, file);
  if (!opts.csvColumns?.trim()) {
    throw new BillingError(
      `Bank CSV Columns is empty in Settings: ${file} is not camt XML, so it is read as a bank CSV export, which needs its columns named there (e.g. date=Buchungstag; amount=Betrag; reference=Verwendungszweck; name=Beguenstigter/Zahlungspflichtiger; iban=IBAN)`,
      { code: 'invalid', ref: file },
    );
  }
  return readBankCsv(text, file, parseCsvMapping(opts.csvColumns), { currency: opts.currency });
}
