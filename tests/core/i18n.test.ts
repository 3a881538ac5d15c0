import { D } from '../../src/core/money';
import { formatDate, formatMoney, formatNumber, formatQuantity, labels } from '../../src/core/i18n';

describe('document formats per language', () => {
  it('groups and separates numbers per language, exactly from the decimal', () => {
    const v = new D('1234567.005');
    expect(formatNumber(v, 2, 'de')).toBe('1.234.567,01');
    expect(formatNumber(v, 2, 'en')).toBe('1,234,567.01');
    expect(formatNumber(v, 2, 'fr')).toBe('1\u00a0234\u00a0567,01');
    expect(formatNumber(new D('-0.004'), 2, 'de')).toBe('0,00');
    expect(formatNumber(new D('-12.5'), 2, 'en')).toBe('-12.50');
  });

  it('formats money with the currency minor unit and code', () => {
    expect(formatMoney(new D('1234.5'), 'EUR', 'de')).toBe('1.234,50 EUR');
    expect(formatMoney(new D('1234.5'), 'USD', 'en')).toBe('USD 1,234.50');
    expect(formatMoney(new D('1234'), 'JPY', 'en')).toBe('JPY 1,234');
  });

  it('shows quantities without trailing zeros and dates per language', () => {
    expect(formatQuantity(new D('0.533333'), 'de')).toBe('0,533333');
    expect(formatQuantity(new D('12'), 'en')).toBe('12');
    expect([formatDate('2026-03-05', 'de'), formatDate('2026-03-05', 'fr'), formatDate('2026-03-05', 'en')]).toEqual(['05.03.2026', '05/03/2026', '5 Mar 2026']);
    expect(labels('fr').invoice).toBe('Facture');
    expect(labels('xx').invoice).toBe('Invoice');
  });
});
