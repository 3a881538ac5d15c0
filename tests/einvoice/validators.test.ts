// Proves the project's own e-invoice validators (tests/support/einvoiceValidation.ts) on the official
// material in tests/fixtures/einvoice (or EINVOICE_DIR): every official example passes XSD and EN 16931,
// a changed total fails BR-CO-16, a missing mandatory element fails the XSD; XRechnung and Peppol sets
// run and give results of the expected shape. The first run compiles the rule sets (cached on disk).
// EINVOICE_TIMING=1 prints compile and per-document times.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  einvoiceDir,
  errorsOf,
  loadRuleSet,
  PEPPOL_ADOPTED_RULES,
  syntaxOf,
  validateSchematron,
  validateSchematronFile,
  validateXsd,
  type RuleSet,
  type RuleSetInfo,
  type SchematronResult,
} from '../support/einvoiceValidation';

const COMPILE_TIMEOUT = 20 * 60_000; // first run on a busy 2-core machine: all rule sets compiled
const dir = einvoiceDir();
const examples = (kind: 'ubl' | 'cii') =>
  readdirSync(join(dir, 'examples', kind))
    .filter((f) => f.endsWith('.xml'))
    .sort();
const example = (kind: 'ubl' | 'cii', file: string) => readFileSync(join(dir, 'examples', kind, file), 'utf8');
const ublExamples = examples('ubl');
const ciiExamples = examples('cii');

const timings = { xsd: [] as number[], compile: [] as RuleSetInfo[], schematron: new Map<string, number[]>() };
async function timed<T>(into: number[], f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await f();
  } finally {
    into.push(performance.now() - t);
  }
}
async function schematron(xml: string, ruleSet: RuleSet): Promise<SchematronResult[]> {
  const list = timings.schematron.get(ruleSet) ?? [];
  timings.schematron.set(ruleSet, list);
  return timed(list, () => validateSchematron(xml, ruleSet));
}

afterAll(() => {
  if (!process.env.EINVOICE_TIMING) return;
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? `n=${s.length} first=${xs[0].toFixed(0)} median=${s[s.length >> 1].toFixed(0)} max=${s[s.length - 1].toFixed(0)} ms` : 'n=0';
  };
  const lines = [
    ...timings.compile.map((c) => `compile ${c.ruleSet}: ${c.compiled ? 'compiled' : 'from cache'} in ${c.ms} ms`),
    `xsd per document: ${stats(timings.xsd)}`,
    ...[...timings.schematron].map(([rs, xs]) => `${rs} per document: ${stats(xs)}`),
  ];
  console.log(lines.join('\n'));
});

test('the validation material is found (EINVOICE_DIR or the copy in tests/fixtures/einvoice)', () => {
  if (!process.env.EINVOICE_DIR) expect(dir).toBe(resolve(__dirname, '../fixtures/einvoice'));
  for (const sub of ['xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd', 'xsd/cii-d16b/CrossIndustryInvoice_100pD16B.xsd', 'schematron/en16931', 'examples/ubl', 'examples/cii'])
    expect(existsSync(join(dir, sub))).toBe(true);
  expect(ublExamples.length).toBeGreaterThan(0);
  expect(ciiExamples.length).toBeGreaterThan(0);
});

describe('XSD (xmllint-wasm)', () => {
  test.each(ublExamples)('UBL example %s is schema-valid', async (file) => {
    const xml = example('ubl', file);
    const syntax = syntaxOf(xml);
    expect(syntax).toBe(file.includes('creditnote') ? 'ubl-creditnote' : 'ubl-invoice');
    expect(await timed(timings.xsd, () => validateXsd(xml, syntax))).toEqual([]);
  });

  test.each(ciiExamples)('CII example %s is schema-valid', async (file) => {
    const xml = example('cii', file);
    expect(syntaxOf(xml)).toBe('cii');
    expect(await timed(timings.xsd, () => validateXsd(xml, 'cii'))).toEqual([]);
  });

  test('a UBL invoice without its mandatory IssueDate fails', async () => {
    const xml = example('ubl', 'ubl-tc434-example1.xml');
    const broken = xml.replace(/<cbc:IssueDate>[^<]*<\/cbc:IssueDate>/, '');
    expect(broken).not.toBe(xml);
    const errors = await validateXsd(broken, 'ubl-invoice');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/IssueDate/);
  });

  test('a CII invoice without its mandatory ExchangedDocument fails', async () => {
    const xml = example('cii', 'CII_example1.xml');
    const broken = xml.replace(/<rsm:ExchangedDocument>[\s\S]*?<\/rsm:ExchangedDocument>/, '');
    expect(broken).not.toBe(xml);
    expect((await validateXsd(broken, 'cii')).join('\n')).toMatch(/ExchangedDocument/);
  });

  test('the wrong schema and a document that is not well-formed fail', async () => {
    expect((await validateXsd(example('ubl', 'ubl-tc434-example1.xml'), 'ubl-creditnote')).length).toBeGreaterThan(0);
    expect((await validateXsd('<Invoice><broken', 'ubl-invoice')).length).toBeGreaterThan(0);
  });
});

describe('Schematron → XSLT translation (a small schema of its own)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sch-translation-'));
    mkdirSync(join(work, 'inc'));
    writeFileSync(join(work, 'inc', 'variables.sch'), `<pattern xmlns="http://purl.oclc.org/dsdl/schematron" id="vars"><let name="word" value="'item'"/></pattern>`);
    writeFileSync(
      join(work, 'translation.sch'),
      `<?xml version="1.0" encoding="UTF-8"?>
<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2" xmlns:t="urn:t">
  <ns prefix="x" uri="urn:x"/>
  <ns prefix="xs" uri="http://www.w3.org/2001/XMLSchema"/>
  <xsl:function xmlns:xsl="http://www.w3.org/1999/XSL/Transform" name="t:twice" as="xs:integer">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:sequence select="2 * $n"/>
  </xsl:function>
  <let name="limit" value="3"/>
  <include href="inc/variables.sch"/>
  <pattern id="first-rule-wins">
    <rule context="x:item[@special]">
      <let name="n" value="count(preceding-sibling::x:item)"/>
      <report id="SPECIAL" test="true()" flag="warning">special <name/> after <value-of select="$n"/></report>
    </rule>
    <rule context="x:item">
      <assert id="SMALL" test="xs:integer(.) le $limit" flag="fatal">value <value-of select="."/> over <value-of select="$limit"/></assert>
    </rule>
  </pattern>
  <pattern id="second">
    <rule context="x:item" flag="fatal">
      <assert id="TWICE" test="t:twice(xs:integer(.)) lt 10">twice {.} <value-of select="t:twice(xs:integer(.))"/> is 10 or more, <emph>a <value-of select="$word"/></emph></assert>
    </rule>
  </pattern>
  <pattern id="attributes">
    <rule context="@special">
      <report id="ATTR" test=". = 'y'" flag="information"><name/> is y</report>
    </rule>
  </pattern>
</schema>
`,
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test(
    'first matching rule per pattern, lets at every level, include, xsl:function, report, name/value-of, attributes',
    async () => {
      const doc = `<x:list xmlns:x="urn:x"><x:item>1</x:item><x:item special="y">9</x:item><x:item>4</x:item><x:item>5</x:item></x:list>`;
      expect(await validateSchematronFile(doc, join(work, 'translation.sch'))).toEqual([
        { id: 'SPECIAL', flag: 'warning', location: '/x:list[1]/x:item[2]', text: 'special x:item after 1' },
        { id: 'SMALL', flag: 'fatal', location: '/x:list[1]/x:item[3]', text: 'value 4 over 3' },
        { id: 'SMALL', flag: 'fatal', location: '/x:list[1]/x:item[4]', text: 'value 5 over 3' },
        { id: 'TWICE', flag: 'fatal', location: '/x:list[1]/x:item[2]', text: 'twice {.} 18 is 10 or more, a item' },
        { id: 'TWICE', flag: 'fatal', location: '/x:list[1]/x:item[4]', text: 'twice {.} 10 is 10 or more, a item' },
        { id: 'ATTR', flag: 'information', location: '/x:list[1]/x:item[2]/@special', text: 'special is y' },
      ]);
    },
    COMPILE_TIMEOUT,
  );
});

describe('EN 16931 Schematron', () => {
  beforeAll(async () => {
    timings.compile.push(await loadRuleSet('en16931-ubl'));
    timings.compile.push(await loadRuleSet('en16931-cii'));
  }, COMPILE_TIMEOUT);

  test.each(ublExamples)('UBL example %s passes en16931-ubl', async (file) => {
    const results = await schematron(example('ubl', file), 'en16931-ubl');
    expect(errorsOf(results, 'en16931-ubl')).toEqual([]);
  });

  test.each(ciiExamples)('CII example %s passes en16931-cii', async (file) => {
    const results = await schematron(example('cii', file), 'en16931-cii');
    expect(errorsOf(results, 'en16931-cii')).toEqual([]);
  });

  test('a UBL invoice with a changed PayableAmount fails BR-CO-16', async () => {
    const xml = example('ubl', 'ubl-tc434-example1.xml');
    const changed = xml.replace(/(<cbc:PayableAmount currencyID="EUR">)[^<]*/, '$1999.99');
    expect(changed).not.toBe(xml);
    const errors = errorsOf(await schematron(changed, 'en16931-ubl'), 'en16931-ubl');
    expect(errors.map((e) => e.id)).toEqual(['BR-CO-16']);
    expect(errors[0]).toMatchObject({ flag: 'fatal', location: '/Invoice[1]/cac:LegalMonetaryTotal[1]' });
    expect(errors[0].text).toMatch(/^\[BR-CO-16\]-Amount due for payment \(BT-115\)/);
  });

  test('a CII invoice with a changed DuePayableAmount fails BR-CO-16', async () => {
    const xml = example('cii', 'CII_example1.xml');
    const changed = xml.replace(/(<ram:DuePayableAmount>)[^<]*/, '$1999.99');
    expect(changed).not.toBe(xml);
    const errors = errorsOf(await schematron(changed, 'en16931-cii'), 'en16931-cii');
    expect(errors.map((e) => e.id)).toContain('BR-CO-16');
  });

  test('warnings are reported but do not fail: UBL extensions (UBL-CR-001)', async () => {
    const xml = example('ubl', 'ubl-tc434-example1.xml').replace(
      '<cbc:CustomizationID>',
      '<ext:UBLExtensions xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"><ext:UBLExtension><ext:ExtensionContent><x xmlns="urn:x">1</x></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions><cbc:CustomizationID>',
    );
    const results = await schematron(xml, 'en16931-ubl');
    expect(results).toContainEqual(expect.objectContaining({ id: 'UBL-CR-001', flag: 'warning', location: '/Invoice[1]' }));
    expect(errorsOf(results, 'en16931-ubl')).toEqual([]);
  });
});

/** Results of the expected shape, each id one of the rule set's own. */
function expectShape(results: SchematronResult[], ruleSet: RuleSet, schFile: string) {
  const sch = readFileSync(join(dir, 'schematron', schFile), 'utf8');
  for (const r of results) {
    expect(Object.keys(r).sort()).toEqual(['flag', 'id', 'location', 'text']);
    expect(sch).toContain(`"${r.id}"`);
    expect(['fatal', 'warning', 'information']).toContain(r.flag);
    expect(r.location).toMatch(/^\/[\w.-]+:?[\w.-]*\[1\]/);
    expect(r.text).not.toBe('');
  }
  const errors = errorsOf(results, ruleSet);
  for (const e of errors) expect(results).toContain(e);
  return errors;
}

describe('XRechnung and Peppol rule sets (the examples are EN 16931, not necessarily XRechnung/Peppol)', () => {
  const ids = (rs: SchematronResult[]) => [...new Set(rs.map((r) => r.id))].sort();

  test(
    'xrechnung-ubl on ubl-tc434-example1: BuyerReference (BR-DE-15) and seller contact (BR-DE-2) missing',
    async () => {
      timings.compile.push(await loadRuleSet('xrechnung-ubl'));
      const results = await schematron(example('ubl', 'ubl-tc434-example1.xml'), 'xrechnung-ubl');
      const errors = expectShape(results, 'xrechnung-ubl', 'xrechnung/ubl/XRechnung-UBL-validation.sch');
      expect(ids(errors)).toEqual(expect.arrayContaining(['BR-DE-15', 'BR-DE-2']));
      expect(errors.every((e) => /^BR-(DE|DEX|TMP)-/.test(e.id))).toBe(true);
    },
    COMPILE_TIMEOUT,
  );

  test(
    'xrechnung-cii: the XRechnung example passes, CII_example1 lists what XRechnung adds',
    async () => {
      timings.compile.push(await loadRuleSet('xrechnung-cii'));
      const xr = await schematron(example('cii', 'XRechnung-O.xml'), 'xrechnung-cii');
      expect(expectShape(xr, 'xrechnung-cii', 'xrechnung/cii/XRechnung-CII-validation.sch')).toEqual([]);
      const plain = await schematron(example('cii', 'CII_example1.xml'), 'xrechnung-cii');
      const errors = expectShape(plain, 'xrechnung-cii', 'xrechnung/cii/XRechnung-CII-validation.sch');
      expect(ids(errors)).toEqual(expect.arrayContaining(['BR-DE-15']));
    },
    COMPILE_TIMEOUT,
  );

  test(
    'peppol-ubl on ubl-tc434-example1: only the adopted rules count (no ProfileID: R001)',
    async () => {
      timings.compile.push(await loadRuleSet('peppol-ubl'));
      const results = await schematron(example('ubl', 'ubl-tc434-example1.xml'), 'peppol-ubl');
      const errors = expectShape(results, 'peppol-ubl', 'peppol/PEPPOL-EN16931-UBL.sch');
      expect(ids(results)).toEqual(expect.arrayContaining(['PEPPOL-EN16931-R001', 'PEPPOL-EN16931-R007']));
      expect(errors.every((e) => PEPPOL_ADOPTED_RULES.has(e.id))).toBe(true);
      expect(ids(errors)).toContain('PEPPOL-EN16931-R001');
      expect(ids(errors)).not.toContain('PEPPOL-EN16931-R007');
    },
    COMPILE_TIMEOUT,
  );

  test(
    'peppol-cii on CII_example1 and XRechnung-O',
    async () => {
      timings.compile.push(await loadRuleSet('peppol-cii'));
      for (const file of ['CII_example1.xml', 'XRechnung-O.xml']) {
        const results = await schematron(example('cii', file), 'peppol-cii');
        const errors = expectShape(results, 'peppol-cii', 'peppol/PEPPOL-EN16931-CII.sch');
        expect(results.length).toBeGreaterThan(0);
        expect(errors.every((e) => PEPPOL_ADOPTED_RULES.has(e.id))).toBe(true);
      }
    },
    COMPILE_TIMEOUT,
  );
});

describe('errorsOf: severity as the German validator applies it', () => {
  const r = (id: string, flag = 'fatal'): SchematronResult => ({ id, flag, location: '/x[1]', text: id });

  test('warnings, information and BR-CL-21/BR-CL-23 do not fail', () => {
    const results = [r('BR-01'), r('BR-02', 'warning'), r('BR-03', 'information'), r('BR-CL-21'), r('BR-CL-23'), r('BR-CL-22')];
    expect(errorsOf(results, 'en16931-ubl').map((e) => e.id)).toEqual(['BR-01', 'BR-CL-22']);
    expect(errorsOf(results).map((e) => e.id)).toEqual(['BR-01', 'BR-CL-22']);
  });

  test('from a Peppol set only the rules XRechnung adopts', () => {
    const results = [
      r('PEPPOL-EN16931-R001'),
      r('PEPPOL-EN16931-R007'),
      r('PEPPOL-EN16931-R044'),
      r('PEPPOL-EN16931-R047'),
      r('PEPPOL-EN16931-R130'),
      r('PEPPOL-COMMON-R040'),
      r('DE-R-001'),
      r('NO-R-002'),
      r('PEPPOL-EN16931-R010', 'warning'),
    ];
    const expected = ['PEPPOL-EN16931-R001', 'PEPPOL-EN16931-R044', 'PEPPOL-EN16931-R130'];
    expect(errorsOf(results, 'peppol-ubl').map((e) => e.id)).toEqual(expected);
    expect(errorsOf(results).map((e) => e.id)).toEqual(expected);
    expect(errorsOf([r('BR-DE-15')], 'xrechnung-ubl')).toHaveLength(1);
    expect(errorsOf([r('BR-DE-15')], 'peppol-ubl')).toHaveLength(0);
  });
});
