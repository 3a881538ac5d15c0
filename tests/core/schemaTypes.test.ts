// The records are checked against the schema by the compiler (`npm run typecheck` type-checks this
// file): the lines marked @ts-expect-error must fail to compile, or typecheck reports them unused.
import type { Invoice, SameKeys } from '../../src/core/model';
import { RECORDS_MATCH_SCHEMA } from '../../src/core/model';
import type { ColumnKey, EnumOf } from '../../src/core/schema';
import { INVOICE_STATUSES, SCHEMA, TABLE_NAMES } from '../../src/core/schema';

// @ts-expect-error a record with a field its sheet does not have is refused
const extraField: SameKeys<Invoice & { dunningLevel: number }, ColumnKey<'Invoices'>> = true;
// @ts-expect-error a column the record lacks is refused
const missingField: SameKeys<Omit<Invoice, 'delivery'>, ColumnKey<'Invoices'>> = true;
// @ts-expect-error an enum value the schema does not list is not a value of its type
const status: EnumOf<'Invoices', 'status'> = 'Overdue';

describe('records and the schema', () => {
  it('every table with a record type is checked, and enum types are the schema value lists', () => {
    const checked = Object.keys(RECORDS_MATCH_SCHEMA).sort();
    const expected = TABLE_NAMES.filter((t) => t !== 'Received' && t !== 'ReceivedLines').sort();
    expect(checked).toEqual(expected);
    const statusValues = SCHEMA.Invoices.columns.find((c) => c.key === 'status')?.values;
    expect(statusValues).toEqual([...INVOICE_STATUSES]);
    expect([extraField, missingField, status]).toHaveLength(3);
  });
});
