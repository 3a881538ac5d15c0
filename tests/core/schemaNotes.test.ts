// What the header notes say (both hosts show columnNote): required columns say so, the engine's
// columns say once who writes them, and notes say what an empty cell means.
import { column, columnNote, SCHEMA, TABLE_NAMES } from '../../src/core/schema';

const note = (table: keyof typeof SCHEMA, key: string) => columnNote(table, column(table, key));

describe('header notes', () => {
  it("say once that the engine writes a column, never '(engine)' and again '(written by the billing engine)'", () => {
    const all = TABLE_NAMES.flatMap((t) => SCHEMA[t].columns.map((c) => [`${t}.${c.header}`, columnNote(t, c)] as const));
    expect(all.filter(([, n]) => /\(engine\)|written by the billing engine\)/i.test(n) || (n.match(/billing engine/g) ?? []).length > 1)).toEqual([]);
    expect(note('Items', 'billedUntil')).toBe('Last service day on a finalized invoice. Written by the billing engine: do not edit.');
  });

  it('start with "Required." exactly for the columns a user must fill; Product Price is not one', () => {
    expect([note('Accounts', 'accountId'), note('Products', 'price').startsWith('Required.'), note('Products', 'tiers').startsWith('Required.')]).toEqual([
      'Required. Unique customer id.',
      false,
      false,
    ]);
  });

  it('say what an empty cell means and what a column holds', () => {
    expect(note('Subscriptions', 'alignment')).toMatch(/^calendar \(also when empty\)/);
    expect(note('Settings', 'locale')).toMatch(/empty: follows Language \(de and fr read 1\.234,50, en 1,234\.50\)/);
    // The line's quantity is not multiplied by the proration factor: that has its own column.
    expect(note('InvoiceLines', 'quantity')).toMatch(/a partial period is in Period Factor, never multiplied in here/);
    expect(note('InvoiceLines', 'quantity')).not.toMatch(/×/);
  });
});
