// The cash side's plain records, shared by statement reading, matching, balances and SEPA: what a
// bank says happened, and what the ledger knows of an invoice's money. Amounts are decimal strings
// (exact, serialisable); money arithmetic uses decimal.js where they are added up.

/** Where a value came from, for messages that name it: a sheet row and column, or a file and entry. */
export interface Origin {
  sheet?: string;
  row?: number;
  column?: string;
  file?: string;
  /** Position of the entry in the file (1-based), or the CSV line. */
  entry?: number;
}

/**
 * One booked movement on the company's bank account, as a statement (camt.053/.054, bank CSV)
 * says it. A batch entry with several transactions gives one BankEntry per transaction.
 */
export interface BankEntry {
  /** Booking date (YYYY-MM-DD). */
  bookingDate: string;
  /** Value date (YYYY-MM-DD), when the bank gives one. */
  valueDate?: string;
  /** Always positive, as a decimal string with the currency's decimals as written ("119.00"). */
  amount: string;
  currency: string;
  /** CRDT: money came in (a customer paid); DBIT: money went out (a return debit, a refund, a fee). */
  direction: 'CRDT' | 'DBIT';
  /** The bank marked this entry as the reversal of an earlier one (camt RvslInd). */
  reversal: boolean;
  /** The other party: the payer for a credit, the payee for a debit. */
  counterpartyName?: string;
  counterpartyIban?: string;
  counterpartyBic?: string;
  /** Remittance text: unstructured lines joined with a single space, line breaks kept as spaces. */
  remittance?: string;
  /** A structured creditor reference (ISO 11649 "RF…" or another scheme's reference), when given. */
  creditorReference?: string;
  /** The payment's end-to-end id (for a direct debit: ours, the invoice number). */
  endToEndId?: string;
  /** SEPA mandate id of a direct debit or its return. */
  mandateId?: string;
  /** The bank's own reference of the entry or transaction (AcctSvcrRef, or TxId): the first dedupe key. */
  bankReference?: string;
  /** Return / reject reason code (ISO 20022 ExternalReturnReason1Code: AC04, MD06, AM04, ...). */
  returnReason?: string;
  /** Bank transaction code as the bank gives it (e.g. "PMNT/RCDT/ESCT" or the proprietary code). */
  transactionCode?: string;
  /**
   * A stable fingerprint of what the statement says of this movement, for dedupe when the bank
   * gives no reference: account, dates, amount, direction, counterparty, remittance, entry position.
   */
  entryKey: string;
  origin: Origin;
}

/** A statement file read: its entries, and what could not be read (each naming file and entry). */
export interface StatementRead {
  /** camt.053.001.02, camt.053.001.08, camt.054.001.08, csv, ... */
  format: string;
  /** The statement's own account (IBAN), when given. */
  accountIban?: string;
  entries: BankEntry[];
  /** Entries left out with the reason: not booked (PDNG/INFO), unreadable amount, ... */
  skipped: { origin: Origin; reason: string }[];
}

/** What matching knows of an invoice that may still be paid. */
export interface OpenInvoice {
  invoiceId: string;
  number: string;
  accountId: string;
  accountName: string;
  /** ISO 11649 creditor reference printed on the invoice ("RF18INV202600012"). */
  reference: string;
  invoiceDate: string;
  dueDate?: string;
  currency: string;
  /** What is still to be paid (decimal string, > 0 for an invoice still open). */
  open: string;
  /** The account's IBAN (direct debit customers) for suggestions. */
  iban?: string;
}
