// The local host's file paths built from ledger values (tenant id, invoice number and date, invoice
// id) stay inside the output folder whatever the values are: the reading of the sheets rejects such
// ids, but a ledger written before that, or edited by hand, reaches documents.ts as it is.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { documentPaths, fileUnder, previewDrafts, previewPath, renderFinalPdfs } from '../../src/node/documents';
import { MAX_FILE_NAME_PART, documentName, safeFileName } from '../../src/core/ids';
import type { Dataset } from '../../src/core/dataset';
import type { Invoice } from '../../src/core/model';
import { DE_TENANT, account, item, ports, product, subscription } from '../support/fixtures';

/** Tenant ids the reading of the sheets rejects, and the folder each gets under <out>. */
const BAD_TENANT_IDS: [string, string][] = [
  ['..', '__'],
  ['../x', '.._x'],
  ['a/b', 'a_b'],
  ['C:\\x', 'C_x'],
  ['', '_'],
];

/** Every file below `dir`, as paths relative to it with "/". */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** A finalized invoice RE/2026/00001 (a number format with "/") for a customer who gets a Factur-X PDF and XML. */
function billed() {
  const p = ports({
    Settings: [{ ...DE_TENANT, numberFormat: 'RE/{yyyy}/{seq:5}' }],
    Accounts: [account('A1', { eInvoiceFormat: 'zugferd', vatId: 'DE999999999', buyerReference: 'LW-1' })],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1')],
    Items: [item('I1', 'S1', 'P1')],
  });
  const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  expect([run.failed, run.rowErrors]).toEqual([[], []]);
  return p;
}

/** The workbook as read, with the invoices' tenant id replaced by `tenantId` (and that tenant in Settings): a ledger value the reading would reject. */
function withTenant(ds: Dataset, tenantId: string): Dataset {
  const tenant = { ...ds.tenantById.get('DE')!, tenantId };
  for (const r of ds.invoices) r.record.tenantId = tenantId;
  ds.tenantById.set(tenantId, tenant);
  return ds;
}

describe('PDF and XML paths from ledger values', () => {
  it.each(BAD_TENANT_IDS)('tenant id %j: the PDF and XML go to <out>/%s/2026/11/ as RE_2026_00001_2026-11-30, nothing outside <out>', async (tenantId, folder) => {
    const p = billed();
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
    const parent = mkdtempSync(join(tmpdir(), 'billing-paths-'));
    const out = join(parent, 'out');
    const files = await renderFinalPdfs(p, out, undefined, undefined, withTenant(readDataset(p), tenantId));
    expect(files.map((f) => [f.number, f.problem])).toEqual([['RE/2026/00001', undefined]]);
    expect(files.map((f) => [relative(out, f.path), relative(out, f.xml!)])).toEqual([[`${folder}/2026/11/RE_2026_00001_2026-11-30.pdf`, `${folder}/2026/11/RE_2026_00001_2026-11-30.xml`]]);
    // Nothing was written beside the output folder, and the ledger points into it.
    expect(readdirSync(parent)).toEqual(['out']);
    expect(filesBelow(out)).toEqual([`${folder}/2026/11/RE_2026_00001_2026-11-30.pdf`, `${folder}/2026/11/RE_2026_00001_2026-11-30.xml`]);
    expect(relative(out, p.tables.objects('Invoices')[0]['PDF URL'] as string)).toBe(`${folder}/2026/11/RE_2026_00001_2026-11-30.pdf`);
  });

  it.each(BAD_TENANT_IDS.map(([id]) => id))('tenant id %j: the draft preview goes to <out>/previews/', async (tenantId) => {
    const p = billed();
    const parent = mkdtempSync(join(tmpdir(), 'billing-paths-'));
    const out = join(parent, 'out');
    const files = await previewDrafts(p, out, undefined, withTenant(readDataset(p), tenantId));
    expect(files.map((f) => relative(out, f.path))).toEqual(['previews/I-000001_DRAFT.pdf']);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  const invoice = (values: Partial<Invoice>) => ({ invoiceId: 'I-000001', number: 'RE/2026/00001', tenantId: 'DE', invoiceDate: '2026-11-30', ...values }) as Invoice;

  it('an invoice date that is not a date, and an invoice id with "/", still name one folder and one file under <out>', () => {
    const out = resolve(tmpdir(), 'billing-out');
    const paths = documentPaths(out, invoice({ tenantId: '..', invoiceDate: '../../../etc/x' }));
    expect(relative(out, paths.pdf)).toBe('__/.._./_./RE_2026_00001_.._.._.._etc_x.pdf');
    expect(relative(out, documentPaths(out, invoice({ invoiceDate: undefined })).pdf)).toBe('DE/_/_/RE_2026_00001.pdf');
    expect(relative(out, previewPath(out, invoice({ invoiceId: '../../x' })))).toBe('previews/.._.._x_DRAFT.pdf');
    expect(relative(out, previewPath(out, invoice({ invoiceId: '..' })))).toBe('previews/___DRAFT.pdf');
  });

  it('the last check refuses a path outside <out>, naming the invoice and its values', () => {
    const out = resolve(tmpdir(), 'billing-out');
    const inv = invoice({ tenantId: '..' });
    expect(() => fileUnder(out, inv, '..', '2026', 'x.pdf')).toThrow(
      `invoice RE/2026/00001: its file "../2026/x.pdf" (from tenant "..", number "RE/2026/00001", date "2026-11-30") would not be inside the output folder ${out}`,
    );
    // join keeps an absolute part below <out>.
    expect(fileUnder(out, inv, '/etc/passwd')).toBe(join(out, 'etc', 'passwd'));
    expect(() => fileUnder(out, inv, 'a', '..', '..', 'b')).toThrow(/would not be inside the output folder/);
    expect(() => fileUnder(out, inv)).toThrow(/would not be inside the output folder/);
    expect(fileUnder(out, inv, '..x', 'y.pdf')).toBe(join(out, '..x', 'y.pdf'));
  });

  it('safeFileName never gives "", "." or "..", nor a separator, and keeps long values apart', () => {
    const names = ['', '.', '..', '...', '../x', 'a/b', 'C:\\x', 'a\\b', '/', 'RE/2026 01'].map(safeFileName);
    expect(names).toEqual(['_', '_', '__', '___', '.._x', 'a_b', 'C_x', 'a_b', '_', 'RE_2026_01']);
    const a = safeFileName(`${'R'.repeat(200)}1`);
    const b = safeFileName(`${'R'.repeat(200)}2`);
    expect([a.length, b.length, a === b]).toEqual([MAX_FILE_NAME_PART, MAX_FILE_NAME_PART, false]);
    expect(documentName({ invoiceId: 'I-1', number: 'RE/1', invoiceDate: '2026/11/30' })).toBe('RE_1_2026_11_30');
  });

  it('existing names stay as they were', () => {
    expect(['DE', 'RE-2026-00001', 'CH-2026-0001', 'I-000042', '2026-11-30'].map(safeFileName)).toEqual(['DE', 'RE-2026-00001', 'CH-2026-0001', 'I-000042', '2026-11-30']);
    expect(documentName({ invoiceId: 'I-1', number: 'RE-2026-00001', invoiceDate: '2026-12-01' })).toBe('RE-2026-00001_2026-12-01');
  });
});
