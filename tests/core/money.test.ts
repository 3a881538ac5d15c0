import Decimal from 'decimal.js';
import { D, dec, formatAmount, minorUnits, roundMoney, roundTo, roundToIncrement, sum } from '../../src/core/money';

describe('money', () => {
  it('minor units per ISO 4217', () => {
    expect([minorUnits('EUR'), minorUnits('CHF'), minorUnits('JPY'), minorUnits('KRW'), minorUnits('KWD'), minorUnits('BHD')]).toEqual([2, 2, 0, 0, 3, 3]);
  });

  it('roundMoney: half away from zero by default, and each explicit mode', () => {
    expect(roundMoney(dec('1.005'), 'EUR').toFixed(2)).toBe('1.01');
    expect(roundMoney(dec('-1.005'), 'EUR').toFixed(2)).toBe('-1.01');
    expect(roundMoney(dec('1.005'), 'EUR', 'half-even').toFixed(2)).toBe('1.00');
    expect(roundMoney(dec('1.015'), 'EUR', 'half-even').toFixed(2)).toBe('1.02');
    expect(roundMoney(dec('1.009'), 'EUR', 'down').toFixed(2)).toBe('1.00');
    expect(roundMoney(dec('-1.009'), 'EUR', 'down').toFixed(2)).toBe('-1.00');
    expect(roundMoney(dec('1.001'), 'EUR', 'up').toFixed(2)).toBe('1.01');
    expect(roundMoney(dec('-1.001'), 'EUR', 'up').toFixed(2)).toBe('-1.01');
    expect(roundMoney(dec('2.5'), 'JPY').toString()).toBe('3');
  });

  it('is immune to the host changing the global Decimal settings', () => {
    const saved = { precision: Decimal.precision, rounding: Decimal.rounding };
    try {
      Decimal.set({ precision: 5, rounding: Decimal.ROUND_DOWN });
      expect(roundMoney(new Decimal('123456.785'), 'EUR').toFixed(2)).toBe('123456.79');
      expect(dec('1234567.891').times(dec(1)).toFixed(3)).toBe('1234567.891');
      expect(roundToIncrement(dec('10.93'), dec('0.05')).toFixed(2)).toBe('10.95');
    } finally {
      Decimal.set(saved);
    }
  });

  it('roundTo and roundToIncrement', () => {
    expect(roundTo(dec('0.5333335'), 6).toString()).toBe('0.533334');
    expect(roundToIncrement(dec('10.92'), dec('0.05')).toFixed(2)).toBe('10.90');
    expect(roundToIncrement(dec('10.925'), dec('0.05')).toFixed(2)).toBe('10.95');
    expect(roundToIncrement(dec('-10.925'), dec('0.05')).toFixed(2)).toBe('-10.95');
    expect(roundToIncrement(dec('10.92'), dec(0)).toFixed(2)).toBe('10.92');
  });

  it('formatAmount uses the currency decimals and never prints -0', () => {
    expect(formatAmount(dec('1234.5'), 'EUR')).toBe('1234.50');
    expect(formatAmount(dec('1234.5'), 'JPY')).toBe('1235');
    expect(formatAmount(dec('1.2'), 'KWD')).toBe('1.200');
    expect(formatAmount(roundMoney(dec('-0.001'), 'EUR'), 'EUR')).toBe('0.00');
  });

  it('sum is exact and zero when empty', () => {
    expect(sum([dec('0.1'), dec('0.2')]).toString()).toBe('0.3');
    expect(sum([]).toString()).toBe('0');
    expect(sum([dec('0.1'), dec('0.2')])).toBeInstanceOf(D);
  });
});
