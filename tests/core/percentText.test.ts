// Percent cells as the hosts hand them on: a fraction from a percent-formatted cell, as typed.
import { isPercentFormat, percentText } from '../../src/core/cells';

describe('percent cells', () => {
  it('percentText writes a fraction as a percent both number locales read alike', () => {
    expect([0.19, 0.5, 0.00125, 0.0125, 1, -0.05].map(percentText)).toEqual(['19%', '50%', '0.1250%', '1.25%', '100%', '-5%']);
  });

  it('isPercentFormat tells a scaling percent format from a literal percent sign', () => {
    const formats = ['0%', '0.00%', '#,##0.0 %', '0.0"%"', '0\\%', '0.00', '', undefined];
    expect(formats.map((f) => [f, isPercentFormat(f)])).toEqual([
      ['0%', true],
      ['0.00%', true],
      ['#,##0.0 %', true],
      ['0.0"%"', false],
      ['0\\%', false],
      ['0.00', false],
      ['', false],
      [undefined, false],
    ]);
  });
});
