// The sidebar shows amounts in the sheet's number locale and reads them back as the user types them.
import fc from 'fast-check';
import { formatMoney, parseAmount, totalsPerCurrency } from '../../sidebar/src/format';

describe('sidebar amounts', () => {
  test('formatMoney groups thousands and writes two decimals in the locale', () => {
    expect(formatMoney('1234567.5', 'EUR', 'de')).toBe('1.234.567,50 EUR');
    expect(formatMoney('1234567.5', 'EUR', 'en')).toBe('1,234,567.50 EUR');
    expect(formatMoney('-999.999', 'CHF', 'de')).toBe('-999,999 CHF');
    expect(formatMoney('0', 'USD', 'en')).toBe('0.00 USD');
  });

  test('parseAmount reads what a German or English user types, and refuses the other locale', () => {
    expect(parseAmount('1.000,00', 'de')).toBe('1000.00');
    expect(parseAmount(' 250,5 ', 'de')).toBe('250.5');
    expect(parseAmount('1,000.00', 'en')).toBe('1000.00');
    expect(parseAmount('1000', 'en')).toBe('1000');
    expect(parseAmount('1.000,00', 'en')).toBeNull();
    expect(parseAmount('1.00', 'de')).toBeNull(); // a German "1.00" is no amount: not a group of three
    expect(parseAmount('12,34,5', 'en')).toBeNull();
    expect(parseAmount('abc', 'de')).toBeNull();
  });

  test('an amount formatted in a locale reads back as the same decimal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.constantFrom<'de' | 'en'>('de', 'en'), (cents, locale) => {
        const neg = cents < 0n;
        const s = (neg ? -cents : cents).toString().padStart(3, '0');
        const amount = `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
        const shown = formatMoney(amount, 'EUR', locale).replace(/ EUR$/, '');
        expect({ amount, locale, back: parseAmount(shown, locale) }).toEqual({ amount, locale, back: amount });
      }),
    );
  });

  test('totalsPerCurrency adds exact cents per currency in first-seen order', () => {
    const rows = [
      { amount: '0.10', currency: 'EUR' },
      { amount: '0.20', currency: 'EUR' },
      { amount: '1500', currency: 'CHF' },
      { amount: '-0.05', currency: 'CHF' },
    ];
    expect(totalsPerCurrency(rows, 'de')).toBe('0,30 EUR · 1.499,95 CHF');
  });
});
