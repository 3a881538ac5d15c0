import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileStore } from '../../src/node/jsonStore';

describe('JSON key-value store beside the workbook', () => {
  it('keeps values across instances, deletes them, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-kv-'));
    const book = join(dir, 'billing.xlsx');
    const a = JsonFileStore.beside(book);
    expect(a.get('checkpoint')).toBeUndefined();
    a.set('checkpoint', '{"runId":"R-000003","after":"SUB-0042"}');
    a.set('other', 'x');
    const b = JsonFileStore.beside(book);
    expect(b.path).toBe(`${book}.state.json`);
    expect(JSON.parse(b.get('checkpoint')!)).toEqual({ runId: 'R-000003', after: 'SUB-0042' });
    b.delete('checkpoint');
    expect(JsonFileStore.beside(book).get('checkpoint')).toBeUndefined();
    expect(JsonFileStore.beside(book).get('other')).toBe('x');
    expect(readdirSync(dir)).toEqual(['billing.xlsx.state.json']);
    expect(existsSync(book)).toBe(false);
  });
});
