// A workbook held in memory: the Node host's table port (the xlsx adapter loads into it and
// saves from it) and the test double of a spreadsheet.
import type { Cell } from '../core/cells';
import { SCHEMA, TABLE_NAMES, type TableName } from '../core/schema';
import { ensureColumns, headerIndex, type RawTable } from '../core/table';
import type { TablePatch, TablePort } from '../ports';

export class MemoryTables implements TablePort {
  readonly sheets = new Map<string, RawTable>();
  /** Bulk calls made (reads and patches), for tests that check the I/O shape. */
  readonly calls: { op: 'read' | 'readFrom' | 'readColumn' | 'apply'; table: string }[] = [];

  constructor(initial: Partial<Record<TableName, RawTable>> = {}) {
    for (const [name, t] of Object.entries(initial)) if (t) this.sheets.set(name, { headers: [...t.headers], rows: t.rows.map((r) => [...r]) });
  }

  /** A workbook with every sheet of the schema and just its header row. */
  static template(): MemoryTables {
    const m = new MemoryTables();
    for (const name of TABLE_NAMES) m.sheets.set(name, { headers: SCHEMA[name].columns.map((c) => c.header), rows: [] });
    return m;
  }

  read(name: TableName): RawTable | undefined {
    this.calls.push({ op: 'read', table: name });
    const t = this.sheets.get(name);
    return t && { headers: [...t.headers], rows: t.rows.map((r) => [...r]) };
  }

  readFrom(name: TableName, firstRow: number, lastRow?: number): RawTable | undefined {
    this.calls.push({ op: 'readFrom', table: name });
    const t = this.sheets.get(name);
    const first = Math.max(2, firstRow);
    return t && { headers: [...t.headers], rows: t.rows.slice(first - 2, lastRow === undefined ? undefined : Math.max(0, lastRow - 1)).map((r) => [...r]), firstRow: first };
  }

  readColumn(name: TableName, key: string): Cell[] | undefined {
    this.calls.push({ op: 'readColumn', table: name });
    const t = this.sheets.get(name);
    const at = t && headerIndex(name, t.headers).get(key);
    return at === undefined ? undefined : t!.rows.map((r) => r[at] ?? '');
  }

  apply(name: TableName, patch: TablePatch): void {
    this.calls.push({ op: 'apply', table: name });
    let t = this.sheets.get(name);
    if (!t) {
      t = { headers: SCHEMA[name].columns.map((c) => c.header), rows: [] };
      this.sheets.set(name, t);
    }
    const index = ensureColumns(name, t.headers, patch);
    const width = t.headers.length;
    // for…in, not Object.entries: an import appends ten thousand rows of twenty cells.
    for (const u of patch.update ?? []) {
      const row = t.rows[u.row - 2];
      if (!row) throw new Error(`${name}: row ${u.row} does not exist`);
      const values = u.values as Record<string, Cell>;
      for (const k in values) row[index.get(k)!] = values[k];
    }
    for (const r of [...new Set(patch.remove ?? [])].sort((a, b) => b - a)) t.rows.splice(r - 2, 1);
    for (const a of patch.append ?? []) {
      const row: Cell[] = new Array(width).fill('');
      const values = a as Record<string, Cell>;
      for (const k in values) row[index.get(k)!] = values[k];
      t.rows.push(row);
    }
    for (const row of t.rows) while (row.length < width) row.push('');
  }

  /** Records of a sheet as {header: value} objects (for tests and the CLI). */
  objects(name: TableName): Record<string, Cell>[] {
    const t = this.sheets.get(name);
    if (!t) return [];
    return t.rows.map((r) => Object.fromEntries(t.headers.map((h, i) => [String(h), r[i]])));
  }
}
