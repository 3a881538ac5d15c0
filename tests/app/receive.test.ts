// Supplier e-invoices into the Received sheets: official examples and our own XML, totals checked,
// a file that is not an e-invoice reported with nothing written, a second reading skipped.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { receiveInvoices } from '../../src/app/receive';
import { ports, table } from '../support/fixtures';
import { einvoiceDir } from '../support/einvoiceValidation';
import { demoLedger, xmlOf } from '../support/einvoiceCases';

const examples = (syntax: 'ubl' | 'cii') => readdirSync(join(einvoiceDir(), 'examples', syntax)).filter((f) => f.endsWith('.xml')).sort()
  .map((f) => ({ name: f, xml: readFileSync(join(einvoiceDir(), 'examples', syntax, f), 'utf8') }));

describe('receiving e-invoices', () => {
  it('reads official UBL and CII examples and our own XRechnung into Received and ReceivedLines', () => {
    const p = ports({});
    const ds = demoLedger();
    const ours = ds.invoices.map((r) => r.record).find((i) => i.number && i.type === 'invoice')!;
    // (Several CII examples are the UBL examples in the other syntax: the same invoice twice would be skipped.)
    const cii = examples('cii').filter((f) => ['XRechnung-O.xml', 'huf_example_cii.xml', 'CII_business_example_Z.xml'].includes(f.name));
    const files = [...examples('ubl').slice(0, 3), ...cii, { name: 'ours.xml', xml: xmlOf(ds, ours, 'xrechnung-cii') }];
    const r = receiveInvoices(p, files);
    expect([r.failed, r.skipped]).toEqual([[], []]);
    expect(r.received.map((x) => x.receivedId)).toEqual(['RCV-000001', 'RCV-000002', 'RCV-000003', 'RCV-000004', 'RCV-000005', 'RCV-000006', 'RCV-000007']);
    const rows = table(p, 'Received');
    expect(rows).toHaveLength(7);
    const mine = rows[6];
    expect([mine.Number, mine.Supplier, mine.Currency, mine.Payable, mine.Validation, mine.Syntax]).toEqual([ours.number, 'Nordlicht Software GmbH', ours.currency, Number(ours.payable.toFixed(2)), 'valid', 'CII XRechnung']);
    const lines = table(p, 'ReceivedLines').filter((l) => l['Received ID'] === 'RCV-000007');
    expect(lines.map((l) => l.Net)).toEqual((ds.linesByInvoice.get(ours.invoiceId) ?? []).map((l) => Number(l.record.net.toFixed(2))));
  });

  it('reports a file that is not an e-invoice and writes nothing for it; a corrupted total is read but flagged; a second reading is skipped', () => {
    const p = ports({});
    const [good] = examples('ubl');
    const corrupted = { name: 'bad-total.xml', xml: good.xml.replace(/(<cbc:PayableAmount[^>]*>)([^<]+)/, (_m, a: string, v: string) => `${a}${(Number(v) + 1).toFixed(2)}`) };
    const r = receiveInvoices(p, [{ name: 'page.html', xml: '<html><body>hi</body></html>' }, { name: 'broken.xml', xml: '<Invoice><cbc:ID>1' }, corrupted]);
    expect(r.failed.map((f) => f.file)).toEqual(['page.html', 'broken.xml']);
    expect(r.failed.every((f) => f.reason.length > 10)).toBe(true);
    expect(r.received.map((x) => x.status)).toEqual([expect.stringContaining('BR-CO-16')]);
    expect(table(p, 'Received')).toHaveLength(1);
    const again = receiveInvoices(p, [corrupted, { ...good, name: 'renamed.xml' }]);
    expect(again.skipped.map((s) => s.reason)).toEqual(['this file was read before', expect.stringMatching(/is already in Received$/)]);
    expect(table(p, 'Received')).toHaveLength(1);
  });
});
