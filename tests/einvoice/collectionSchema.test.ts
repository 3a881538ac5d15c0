// Every SEPA file a collection run writes (the use case, not only the builder) validates against the
// pain.008.001.08 schema: customers with umlauts and "&" in their names, CORE and B2B mandates, FRST
// and RCUR, one left out for a bad IBAN, a second run after a cancellation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { cancelCollection, collectDirectDebits } from '../../src/app/receivables/collections';
import type { MemoryFiles } from '../../src/node/memoryHost';
import { edit } from '../scenarios/helpers';
import { account, item, ports, product, subscription } from '../support/fixtures';

const XSD = { fileName: 'pain.008.001.08.xsd', contents: readFileSync(join(__dirname, '../fixtures/receivables/sepa/pain.008.001.08.xsd'), 'utf8') };
const SEPA = { paymentMethod: 'direct_debit', iban: 'DE02120300000000202051', mandateDate: '2025-06-01' };

async function schemaErrors(name: string, xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: name, contents: xml }], schema: [XSD] });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

describe('collection files and the pain.008.001.08 schema', () => {
  it('every file a collection run writes is valid', async () => {
    const p = ports({
      Accounts: [
        account('A1', { name: 'Müller & Söhne GmbH', mandateReference: 'M-0001', ...SEPA }),
        account('A2', { name: 'Ærø <Bau> AG', mandateReference: 'M/0002', mandateScheme: 'B2B', ...SEPA, bic: 'COBADEFFXXX' }),
        account('A3', { name: 'Ohne IBAN KG', mandateReference: 'M-0003', ...SEPA, iban: '' }),
      ],
      Products: [product('P1', '99.99'), product('P2', '1234.56', { taxClass: 'reduced' })],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A3')],
      Items: [item('I1', 'S1', 'P1', { quantity: 3 }), item('I2', 'S2', 'P2'), item('I3', 'S3', 'P1')],
    });
    edit(p, 'Settings', 'Tenant ID', 'DE', { 'Creditor ID': 'DE98ZZZ09999999999', 'SEPA FRST': true } as never);
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    finalizeInvoices(p);
    const first = collectDirectDebits(p, { date: '2026-12-14' });
    cancelCollection(p, first.files[0].messageId);
    const second = collectDirectDebits(p, { date: '2026-12-16' });
    expect([first.files[0].count, second.files[0].count]).toEqual([2, 2]);
    const saved = [...(p.files as MemoryFiles).saved];
    expect(saved).toHaveLength(2);
    for (const [link, xml] of saved) expect({ link, errors: await schemaErrors(link.split('/').pop()!, xml) }).toEqual({ link, errors: [] });
  });
});
