// Amounts as the user reads and writes them: in the spreadsheet's number locale (de: 1.234,50;
// en: 1,234.50). The server sends amounts as exact decimal strings; the sidebar never computes money
// beyond adding totals per currency for display, which it does on integer cents of the string.

export type NumberLocale = 'de' | 'en';

/** "1234.5" → "1.234,50 EUR" (de) or "1,234.50 EUR" (en); the digits come from the string, not a float. */
export function formatMoney(amount: string, currency: string, locale: NumberLocale): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(amount).trim());
  if (!m) return `${amount} ${currency}`;
  const [, sign, int, frac = ''] = m;
  const group = locale === 'de' ? '.' : ',';
  const dec = locale === 'de' ? ',' : '.';
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const cents = (frac + '00').slice(0, Math.max(2, frac.length));
  return `${sign}${grouped}${dec}${cents} ${currency}`;
}

/**
 * What the user typed ("1.000,00", "1000", "1,000.50") as a plain decimal string ("1000.00"), or null
 * when it is not an amount in that locale. A group separator is accepted only in groups of three.
 */
export function parseAmount(text: string, locale: NumberLocale): string | null {
  const t = text.trim().replace(/\s/g, '');
  const group = locale === 'de' ? '\\.' : ',';
  const dec = locale === 'de' ? ',' : '\\.';
  const re = new RegExp(`^(-?)(\\d{1,3}(?:${group}\\d{3})+|\\d+)(?:${dec}(\\d+))?$`);
  const m = re.exec(t);
  if (!m) return null;
  const int = m[2].replace(new RegExp(group, 'g'), '').replace(/^0+(?=\d)/, '');
  return `${m[1]}${int}${m[3] ? '.' + m[3] : ''}`;
}

/** BigInt(0), not 0n: the sidebar is built for ES2017, where esbuild warns on BigInt literals. */
const ZERO = BigInt(0);

/** Totals per currency of decimal strings, each formatted ("1.200,00 EUR · 300,00 CHF"). */
export function totalsPerCurrency(rows: { amount: string; currency: string }[], locale: NumberLocale): string {
  const cents = new Map<string, bigint>();
  for (const r of rows) {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(r.amount);
    if (!m) continue;
    const v = BigInt(m[2] + (m[3] ?? '').padEnd(2, '0').slice(0, 2)) * BigInt(m[1] ? -1 : 1);
    cents.set(r.currency, (cents.get(r.currency) ?? ZERO) + v);
  }
  return [...cents]
    .map(([cur, v]) => {
      const neg = v < ZERO;
      const s = (neg ? -v : v).toString().padStart(3, '0');
      return formatMoney(`${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`, cur, locale);
    })
    .join(' · ');
}
