// The README's table of required columns is the schema's: a column made required or optional
// without the table changing fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRequiredInput, SCHEMA, TABLE_NAMES } from '../../src/core/schema';

describe("the README's required columns", () => {
  it('list, per user sheet, exactly the columns the schema requires', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| sheet | required columns |'));
    const listed = Object.fromEntries(
      [...table.matchAll(/^\| (\w+) \| ([^|]+) \|$/gm)].map(([, sheet, cols]) => [
        sheet,
        cols
          .replace(/\s*\(.*\)$/, '')
          .split(', ')
          .map((c) => c.trim()),
      ]),
    );
    const schema = Object.fromEntries(TABLE_NAMES.filter((n) => !SCHEMA[n].engineOwned).map((n) => [n, SCHEMA[n].columns.filter((c) => isRequiredInput(n, c)).map((c) => c.header)]));
    expect(Object.fromEntries(Object.keys(schema).map((n) => [n, listed[n]]))).toEqual(schema);
  });
});
