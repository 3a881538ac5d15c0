// What a SEPA return, reject or refund reason code means (ISO 20022 ExternalReturnReason1Code, the
// codes the EPC rulebook lists for SDD R-transactions), shown beside the code on the payment.
const REASONS: Record<string, string> = {
  AC01: 'account identifier incorrect',
  AC04: 'account closed',
  AC06: 'account blocked',
  AC13: 'debtor account is a consumer account',
  AG01: 'direct debit not allowed on this account',
  AG02: 'operation code not valid',
  AM04: 'insufficient funds',
  AM05: 'duplicate collection',
  BE05: 'creditor identifier unknown',
  CNOR: 'creditor bank not registered',
  DNOR: 'debtor bank not registered',
  FF01: 'file format invalid',
  MD01: 'no valid mandate',
  MD02: 'mandate data missing or incorrect',
  MD06: 'refund requested by the debtor',
  MD07: 'debtor deceased',
  MS02: 'refused by the debtor',
  MS03: 'reason not specified',
  RC01: 'bank identifier incorrect',
  RR01: 'debtor account or identification missing',
  RR02: 'debtor name or address missing',
  RR03: 'creditor name or address missing',
  RR04: 'regulatory reason',
  SL01: 'specific service of the debtor bank',
};

/** "MD06 refund requested by the debtor", or the code alone when unknown. */
export function returnReasonText(code: string | undefined): string {
  if (!code) return '';
  const c = code.trim().toUpperCase();
  return REASONS[c] ? `${c} ${REASONS[c]}` : c;
}
