import type { Cell } from '../../src/core/cells';
import { BillingError } from '../../src/core/errors';
import { compileAnyFilter, compileFilter, filterNames } from '../../src/core/filters';
import type { FilterRow } from '../../src/core/model';

const f = (name: string, column: string, operator: FilterRow['operator'], value?: string, appliesTo: FilterRow['appliesTo'] = 'Subscriptions'): FilterRow => ({
  name,
  appliesTo,
  column,
  operator,
  value,
});

const HEADERS: Cell[] = ['Subscription ID', 'Tag', 'Start Date', 'My Region', 'Seats'];
const ROWS: Record<string, Cell[]> = {
  S1: ['S1', 'Gold', '2026-11-01', 'North', 5],
  S2: ['S2', 'silver', '2026-10-01', 'South', 10],
  S3: ['S3', '', '2026-11-15', '  north  ', 5],
  S4: ['S4', 'Gold Plus', '2026-09-01', '', 1],
};
const match = (filters: FilterRow[], name: string, headers: Cell[] = HEADERS, rows = ROWS) => {
  const p = compileFilter(filters, 'Subscriptions', name, headers);
  return Object.entries(rows)
    .filter(([, cells]) => p(cells))
    .map(([id]) => id);
};

describe('compileFilter operators', () => {
  it('equals / not_equals compare trimmed text case-insensitively', () => {
    expect(match([f('x', 'Tag', 'equals', 'GOLD')], 'x')).toEqual(['S1']);
    expect(match([f('x', 'My Region', 'equals', 'north ')], 'x')).toEqual(['S1', 'S3']);
    expect(match([f('x', 'Tag', 'not_equals', 'gold')], 'x')).toEqual(['S2', 'S3', 'S4']);
  });

  it('contains, in, empty, not_empty', () => {
    expect(match([f('x', 'Tag', 'contains', 'gold')], 'x')).toEqual(['S1', 'S4']);
    expect(match([f('x', 'Tag', 'in', 'Silver, gold plus')], 'x')).toEqual(['S2', 'S4']);
    expect(match([f('x', 'Tag', 'empty')], 'x')).toEqual(['S3']);
    expect(match([f('x', 'My Region', 'not_empty')], 'x')).toEqual(['S1', 'S2', 'S3']);
  });

  it('compares numbers by their text', () => {
    expect(match([f('x', 'Seats', 'equals', '5')], 'x')).toEqual(['S1', 'S3']);
    expect(match([f('x', 'Seats', 'in', '1,10')], 'x')).toEqual(['S2', 'S4']);
  });

  it('rows with the same name must all match (AND); the name is case-insensitive', () => {
    const filters = [f('North Gold', 'My Region', 'equals', 'north'), f('north gold', 'Tag', 'equals', 'gold'), f('other', 'Tag', 'empty')];
    expect(match(filters, 'NORTH GOLD')).toEqual(['S1']);
  });

  it('finds user columns by header, ignoring case and spaces', () => {
    expect(match([f('x', '  my   REGION ', 'equals', 'south')], 'x')).toEqual(['S2']);
  });

  it('uses the first of duplicate headers, like the table parser', () => {
    const headers = [...HEADERS, 'Tag'];
    const rows = { A: ['A', 'gold', '', '', 0, 'silver'], B: ['B', 'silver', '', '', 0, 'gold'] };
    expect(match([f('x', 'Tag', 'equals', 'gold')], 'x', headers, rows)).toEqual(['A']);
  });

  it('compares Date cells as ISO dates, by default from UTC fields', () => {
    const rows = { D1: ['D1', '', new Date(Date.UTC(2026, 10, 1)), '', 0], D2: ['D2', '', new Date(Date.UTC(2026, 10, 2)), '', 0] };
    expect(match([f('x', 'Start Date', 'equals', '2026-11-01')], 'x', HEADERS, rows)).toEqual(['D1']);
    expect(match([f('x', 'Start Date', 'contains', '2026-11')], 'x', HEADERS, rows)).toEqual(['D1', 'D2']);
  });

  it('reads Date cells with the host dateOf (a Berlin midnight is the day it shows, not the UTC day before)', () => {
    const berlinMidnight = new Date('2026-10-31T23:00:00Z');
    const dateOf = (d: Date) => new Date(d.getTime() + 3600000).toISOString().slice(0, 10);
    const p = compileFilter([f('x', 'Start Date', 'equals', '2026-11-01')], 'Subscriptions', 'x', HEADERS, dateOf);
    expect(p(['S', '', berlinMidnight, '', 0])).toBe(true);
    const utc = compileFilter([f('x', 'Start Date', 'equals', '2026-11-01')], 'Subscriptions', 'x', HEADERS);
    expect(utc(['S', '', berlinMidnight, '', 0])).toBe(false);
  });

  it('a missing cell is empty', () => {
    const p = compileFilter([f('x', 'Seats', 'empty')], 'Subscriptions', 'x', HEADERS);
    expect(p(['S9'])).toBe(true);
    expect(p(['S9', '', '', '', 0])).toBe(false);
  });
});

describe('compileFilter errors', () => {
  it('an unknown filter name is an error naming it', () => {
    expect(() => compileFilter([f('a', 'Tag', 'empty')], 'Subscriptions', 'b', HEADERS)).toThrow(new BillingError('no Subscriptions filter named "b" in the Filters sheet'));
  });

  it('a filter for the other table does not count', () => {
    expect(() => compileFilter([f('a', 'Tag', 'empty', undefined, 'Transactions')], 'Subscriptions', 'a', HEADERS)).toThrow(/no Subscriptions filter named "a"/);
  });

  it('an unknown column is an error naming filter, table and column', () => {
    expect(() => compileFilter([f('a', 'Colour', 'equals', 'red')], 'Subscriptions', 'a', HEADERS)).toThrow('filter "a": Subscriptions has no column "Colour"');
  });
});

describe('compileAnyFilter and filterNames', () => {
  const TX_HEADERS: Cell[] = ['Transaction ID', 'Category'];
  const filters = [f('api', 'Category', 'equals', 'api', 'Transactions'), f('storage', 'Category', 'equals', 'storage', 'Transactions'), f('big', 'Tag', 'equals', 'gold')];

  it('matches when any selected transaction filter matches; none selected matches all', () => {
    const p = compileAnyFilter(filters, ['api', 'storage'], TX_HEADERS);
    expect([p(['T1', 'API']), p(['T2', 'storage']), p(['T3', 'egress'])]).toEqual([true, true, false]);
    const all = compileAnyFilter(filters, [], TX_HEADERS);
    expect(all(['T3', 'egress'])).toBe(true);
    expect(() => compileAnyFilter(filters, ['big'], TX_HEADERS)).toThrow(/no Transactions filter named "big"/);
  });

  it('lists filter names per table once each, in sheet order', () => {
    const more = [...filters, f('big', 'Seats', 'equals', '5'), f('api', 'Category', 'not_empty', undefined, 'Transactions')];
    expect(filterNames(more, 'Subscriptions')).toEqual(['big']);
    expect(filterNames(more, 'Transactions')).toEqual(['api', 'storage']);
  });
});
