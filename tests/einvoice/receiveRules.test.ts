// `billing receive --rules` judges a received XRechnung as the German validator (KoSIT) does: its
// release merges the Peppol rules XRechnung adopts into the XRechnung rules (an XRechnung without
// ProfileID, PEPPOL-EN16931-R001, or seller electronic address, R020, is not valid), and its
// scenarios (validator-configuration-xrechnung, scenarios.xml) downgrade some rules for the
// Extension and CVD kinds. The official test suite's 04.05a, 05.01a and 02.01a-cvd files, which
// that validator accepts, are accepted here too (tests/fixtures/einvoice/xrechnung-testsuite).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioOf, validateReceived, type RuleFinding } from '../../src/node/einvoiceRules';
import { demoLedger, xmlOf } from '../support/einvoiceCases';
import { einvoiceDir } from '../support/einvoiceValidation';

const COMPILE_TIMEOUT = 10 * 60_000;
const dir = einvoiceDir();
const suite = (file: string) => readFileSync(join(dir, 'xrechnung-testsuite', file), 'utf8');
const ids = (fs: RuleFinding[]) => [...new Set(fs.map((f) => f.id))].sort();
const XRECHNUNG_3 = 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0';

describe('received XRechnung: the test suite files the German validator accepts', () => {
  it.each([
    ['04.05a-INVOICE_uncefact.xml', 'xrechnung-extension', ['BR-CL-10', 'BR-CL-21']],
    ['05.01a-INVOICE_ubl.xml', 'xrechnung-extension', ['BR-CO-16', 'UBL-CR-470']],
    ['02.01a-cvd_INVOICE_ubl.xml', 'xrechnung-cvd', ['BR-CL-13']],
    ['02.01a-cvd_INVOICE_uncefact.xml', 'xrechnung-cvd', ['BR-CL-13']],
  ] as const)(
    '%s (%s) has no errors; what its scenario downgrades is information',
    async (file, scenario, downgraded) => {
      const r = await validateReceived(suite(file), dir);
      expect(r.scenario).toBe(scenario);
      expect(r.errors).toEqual([]);
      expect(r.ruleSets.slice(1)).toEqual(file.includes('uncefact') ? ['en16931-cii', 'xrechnung-cii', 'peppol-cii'] : ['en16931-ubl', 'xrechnung-ubl', 'peppol-ubl']);
      for (const id of downgraded) expect(r.warnings).toContainEqual(expect.objectContaining({ id, flag: 'information' }));
    },
    COMPILE_TIMEOUT,
  );

  it(
    'the same content named a standard XRechnung fails the rules only the Extension and CVD scenarios downgrade',
    async () => {
      const asStandard = (xml: string, id: string) => xml.split(id).join(XRECHNUNG_3);
      const ext = asStandard(suite('05.01a-INVOICE_ubl.xml'), `${XRECHNUNG_3}#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0`);
      const cvd = asStandard(suite('02.01a-cvd_INVOICE_ubl.xml'), `${XRECHNUNG_3}#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9`);
      expect([scenarioOf(ext), scenarioOf(cvd)]).toEqual(['xrechnung', 'xrechnung']);
      expect(ids((await validateReceived(ext, dir)).errors)).toContain('BR-CO-16');
      expect(ids((await validateReceived(cvd, dir)).errors)).toEqual(['BR-CL-13']);
    },
    COMPILE_TIMEOUT,
  );
});

describe('received XRechnung: the Peppol rules XRechnung adopts', () => {
  it(
    'without ProfileID (UBL) or business process (CII): PEPPOL-EN16931-R001',
    async () => {
      const ubl = suite('05.01a-INVOICE_ubl.xml').replace(/\s*<cbc:ProfileID>[^<]*<\/cbc:ProfileID>/, '');
      const cii = suite('04.05a-INVOICE_uncefact.xml').replace(/\s*<ram:BusinessProcessSpecifiedDocumentContextParameter>[\s\S]*?<\/ram:BusinessProcessSpecifiedDocumentContextParameter>/, '');
      for (const xml of [ubl, cii]) expect(ids((await validateReceived(xml, dir)).errors)).toEqual(['PEPPOL-EN16931-R001']);
    },
    COMPILE_TIMEOUT,
  );

  it(
    'without the seller electronic address (BT-34): PEPPOL-EN16931-R020',
    async () => {
      const ubl = suite('05.01a-INVOICE_ubl.xml').replace(/(<cac:AccountingSupplierParty>\s*<cac:Party>)\s*<cbc:EndpointID[^>]*>[^<]*<\/cbc:EndpointID>/, '$1');
      const cii = suite('04.05a-INVOICE_uncefact.xml').replace(/(<ram:SellerTradeParty>[\s\S]*?)\s*<ram:URIUniversalCommunication>[\s\S]*?<\/ram:URIUniversalCommunication>/, '$1');
      for (const xml of [ubl, cii]) expect(ids((await validateReceived(xml, dir)).errors)).toEqual(['PEPPOL-EN16931-R020']);
    },
    COMPILE_TIMEOUT,
  );

  it(
    'the Peppol rules XRechnung does not adopt are not reported, and a plain EN 16931 invoice (ours, Factur-X) gets no Peppol rules at all',
    async () => {
      // 02.01a-cvd (UBL) breaks PEPPOL-EN16931-R004 and PEPPOL-COMMON-R040, which XRechnung does not adopt.
      const r = await validateReceived(suite('02.01a-cvd_INVOICE_ubl.xml'), dir);
      expect([...r.errors, ...r.warnings].filter((f) => f.id.startsWith('PEPPOL'))).toEqual([]);
      const ds = demoLedger();
      const inv = ds.invoices.map((x) => x.record).find((i) => i.number && i.type === 'invoice')!;
      const fx = await validateReceived(xmlOf(ds, inv, 'zugferd'), dir);
      expect([fx.scenario, fx.ruleSets, fx.errors]).toEqual(['en16931', ['xsd-cii', 'en16931-cii'], []]);
    },
    COMPILE_TIMEOUT,
  );
});
