// A bank statement (camt.053.001.08) written from a list of bookings: for the demo, the bench and
// the tests, which need statements that pay the invoices they just made. Valid against the
// camt.053.001.08 schema (tests/einvoice/camtSchema.test.ts checks one).
export interface Booking {
  date: string;
  amount: string;
  /** Default CRDT (money in). */
  direction?: 'CRDT' | 'DBIT';
  name?: string;
  iban?: string;
  /** Remittance text; a line break splits it over several Ustrd lines. */
  text?: string;
  /** ISO 11649 reference (Strd). */
  reference?: string;
  endToEndId?: string;
  mandateId?: string;
  /** Return reason code (RtrInf): a return debit. */
  returnReason?: string;
  reversal?: boolean;
  bankReference?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function party(b: Booking, incoming: boolean): string {
  const who = `<Pty><Nm>${esc(b.name ?? 'Unbekannt')}</Nm></Pty>`;
  const account = b.iban ? `<Id><IBAN>${esc(b.iban)}</IBAN></Id>` : '';
  // A return keeps the original parties: we were the creditor of the direct debit.
  const debtorSide = incoming !== !!(b.returnReason || b.reversal);
  return debtorSide
    ? `<RltdPties><Dbtr>${who}</Dbtr>${account ? `<DbtrAcct>${account}</DbtrAcct>` : ''}</RltdPties>`
    : `<RltdPties><Cdtr>${who}</Cdtr>${account ? `<CdtrAcct>${account}</CdtrAcct>` : ''}</RltdPties>`;
}

function entry(b: Booking, i: number): string {
  const dir = b.direction ?? 'CRDT';
  const lines = (b.text ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => `<Ustrd>${esc(l.slice(0, 140))}</Ustrd>`)
    .join('');
  const strd = b.reference ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>${esc(b.reference)}</Ref></CdtrRefInf></Strd>` : '';
  const refs = `<Refs>${b.endToEndId ? `<EndToEndId>${esc(b.endToEndId)}</EndToEndId>` : '<EndToEndId>NOTPROVIDED</EndToEndId>'}${b.mandateId ? `<MndtId>${esc(b.mandateId)}</MndtId>` : ''}</Refs>`;
  const rtr = b.returnReason ? `<RtrInf><Rsn><Cd>${esc(b.returnReason)}</Cd></Rsn></RtrInf>` : '';
  return [
    `<Ntry><Amt Ccy="EUR">${b.amount}</Amt><CdtDbtInd>${dir}</CdtDbtInd>${b.reversal ? '<RvslInd>true</RvslInd>' : ''}<Sts><Cd>BOOK</Cd></Sts>`,
    `<BookgDt><Dt>${b.date}</Dt></BookgDt><ValDt><Dt>${b.date}</Dt></ValDt><AcctSvcrRef>${esc(b.bankReference ?? `${b.date.replace(/-/g, '')}${String(i + 1).padStart(5, '0')}`)}</AcctSvcrRef>`,
    `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${dir === 'CRDT' ? 'RCDT' : 'IDDT'}</Cd><SubFmlyCd>${dir === 'CRDT' ? 'ESCT' : 'UPDD'}</SubFmlyCd></Fmly></Domn></BkTxCd>`,
    `<NtryDtls><TxDtls>${refs}<Amt Ccy="EUR">${b.amount}</Amt><CdtDbtInd>${dir}</CdtDbtInd>${party(b, dir === 'CRDT')}`,
    `${lines || strd ? `<RmtInf>${lines}${strd}</RmtInf>` : ''}${rtr}</TxDtls></NtryDtls></Ntry>`,
  ].join('');
}

/** A one-statement camt.053.001.08 document of the company account `iban` with these bookings. */
export function camt053(o: { id: string; iban: string; owner: string; created: string; bookings: readonly Booking[] }): string {
  const first = o.bookings[0]?.date ?? o.created.slice(0, 10);
  const last =
    o.bookings
      .map((b) => b.date)
      .sort()
      .pop() ?? first;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>',
    `<GrpHdr><MsgId>${esc(o.id)}</MsgId><CreDtTm>${o.created}</CreDtTm></GrpHdr>`,
    `<Stmt><Id>${esc(o.id)}</Id><CreDtTm>${o.created}</CreDtTm><FrToDt><FrDtTm>${first}T00:00:00</FrDtTm><ToDtTm>${last}T23:59:59</ToDtTm></FrToDt>`,
    `<Acct><Id><IBAN>${esc(o.iban)}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>${esc(o.owner)}</Nm></Ownr></Acct>`,
    // The schema asks for a balance; the opening one at 0 says nothing wrong about the account.
    `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${first}</Dt></Dt></Bal>`,
    ...o.bookings.map(entry),
    '</Stmt></BkToCstmrStmt></Document>\n',
  ].join('');
}
