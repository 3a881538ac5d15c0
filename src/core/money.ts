// Money math. Every amount is a decimal.js Decimal; rounding happens only where the
// billing rules say (line net, tax per group, cash rounding), with an explicit mode.
import Decimal from 'decimal.js';

export { Decimal };

/** A private Decimal constructor so a host's global Decimal settings cannot change our math. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

/** `half-up` rounds halves away from zero (1.005 → 1.01, -1.005 → -1.01), the commercial default. */
const MODES: Record<RoundingMode, Decimal.Rounding> = {
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
};

/** ISO 4217 minor units that differ from 2. */
const MINOR_UNITS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

export function dec(value: Decimal.Value): Decimal {
  return new D(value);
}

export const ZERO = new D(0);

/** `v` as our own Decimal: results of D's methods already are, so no copy in the hot path. */
function own(v: Decimal): Decimal {
  return v instanceof D ? v : new D(v);
}

/** Round to the currency's minor unit. */
export function roundMoney(value: Decimal, currency: string, mode: RoundingMode = 'half-up'): Decimal {
  return own(value.toDecimalPlaces(minorUnits(currency), MODES[mode]));
}

export function roundTo(value: Decimal, places: number, mode: RoundingMode = 'half-up'): Decimal {
  return own(value.toDecimalPlaces(places, MODES[mode]));
}

/** Round to a cash increment such as 0.05 (Swiss francs). */
export function roundToIncrement(value: Decimal, increment: Decimal, mode: RoundingMode = 'half-up'): Decimal {
  if (increment.lte(0)) return value;
  return own(value.div(increment).toDecimalPlaces(0, MODES[mode]).times(increment));
}

/** Fixed-point string with the currency's decimals, e.g. "1234.50" (no grouping). */
export function formatAmount(value: Decimal, currency: string): string {
  return value.toFixed(minorUnits(currency));
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total: Decimal = ZERO;
  for (const v of values) total = total.plus(v);
  return own(total);
}
