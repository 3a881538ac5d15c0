// Factur-X's document-level delivery: the header trade delivery is never empty (PEPPOL-EN16931-R008)
// and names the supply date (BT-72) so that BR-FX-EN-04 of the Factur-X 1.09 rules has nothing to say,
// for every invoice and credit note of the demo's cycle. The two checks run as Schematron
// (facturx-document-level.sch beside this file) through the project's own runner.
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { demoLedger, xmlOf } from '../support/einvoiceCases';
import { validateSchematronFile } from '../support/einvoiceValidation';

const RULES = join(__dirname, 'facturx-document-level.sch');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });
const ymd = (iso: string) => iso.replace(/-/g, '');

describe('Factur-X: delivery at document level', () => {
  const ds = demoLedger();
  const docs = ds.invoices.map((r) => r.record).filter((i) => i.status !== 'Draft' && i.type !== 'pro_forma');

  it('no document has an empty element or lacks a delivery date or period (R008, BR-FX-EN-04)', async () => {
    const findings: string[] = [];
    for (const inv of docs) for (const r of await validateSchematronFile(xmlOf(ds, inv, 'zugferd'), RULES)) findings.push(`${inv.number}: ${r.id} at ${r.location}`);
    expect(findings).toEqual([]);
  }, 300_000);

  it('BT-72 is the last day of the invoice period (BG-14), else the issue date', () => {
    const wrong: string[] = [];
    for (const inv of docs) {
      const tx = parser.parse(xmlOf(ds, inv, 'zugferd'))['rsm:CrossIndustryInvoice']['rsm:SupplyChainTradeTransaction'];
      const bt72 = tx['ram:ApplicableHeaderTradeDelivery']?.['ram:ActualDeliverySupplyChainEvent']?.['ram:OccurrenceDateTime']?.['udt:DateTimeString'];
      const periodEnd = tx['ram:ApplicableHeaderTradeSettlement']['ram:BillingSpecifiedPeriod']?.['ram:EndDateTime']['udt:DateTimeString']['#text'];
      const want = periodEnd ?? ymd(inv.invoiceDate!);
      if (bt72?.['#text'] !== want || bt72?.['@_format'] !== '102') wrong.push(`${inv.number}: ${JSON.stringify(bt72)} instead of ${want}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the rules file finds what it should: an empty delivery and a period without country', async () => {
    const inv = docs.find((i) => i.type === 'invoice')!;
    const xml = xmlOf(ds, inv, 'zugferd').replace(/<ram:ApplicableHeaderTradeDelivery>[\s\S]*?<\/ram:ApplicableHeaderTradeDelivery>/, '<ram:ApplicableHeaderTradeDelivery/>');
    const ids = (await validateSchematronFile(xml, RULES)).map((r) => r.id);
    expect(ids.sort()).toEqual(['BR-FX-EN-04', 'PEPPOL-EN16931-R008']);
  }, 300_000);
});
