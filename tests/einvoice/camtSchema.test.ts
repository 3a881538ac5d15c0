// Every bank statement fixture (tests/fixtures/receivables/camt, the public samples and our own
// German ones) validates against the ISO 20022 schema of its namespace, with xmllint-wasm: so the
// statements the reader is tested on are ones a bank could send. camt.053.001.04 has no schema
// here; its one sample is only read, not validated.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const DIR = join(__dirname, '../fixtures/receivables/camt');
const SCHEMAS: Record<string, string> = {
  'camt.053.001.02': 'camt.053.001.02.xsd',
  'camt.053.001.08': 'camt.053.001.08.xsd',
  'camt.054.001.08': 'camt.054.001.08.xsd',
};
const WITHOUT_SCHEMA = ['camt053.v4.xml'];

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? xmlFiles(join(dir, e.name)) : e.name.endsWith('.xml') ? [join(dir, e.name)] : []));
}

const versionOf = (xml: string) => /xmlns="urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3}\.\d{3}\.\d{2})"/.exec(xml)?.[1];

async function xsdErrors(xml: string, version: string): Promise<string[]> {
  const schema = { fileName: SCHEMAS[version], contents: readFileSync(join(DIR, SCHEMAS[version]), 'utf8') };
  const result = await validateXML({ xml: [{ fileName: 'statement.xml', contents: xml }], schema: [schema] });
  return result.valid ? [] : result.errors.map((e) => `line ${e.loc?.lineNumber}: ${e.message}`);
}

const files = xmlFiles(DIR).map((f) => relative(DIR, f).split('\\').join('/'));

test('the fixtures are there: the public samples and the German ones of each format', () => {
  expect(files.filter((f) => f.startsWith('de/')).sort()).toEqual(['de/camt053.v2.de.xml', 'de/camt053.v8.de.xml', 'de/camt054.v8.de.xml']);
  expect(files.length).toBe(10);
});

test.each(files.filter((f) => !WITHOUT_SCHEMA.includes(f)))('%s validates against its ISO 20022 schema', async (file) => {
  const xml = readFileSync(join(DIR, file), 'utf8');
  const version = versionOf(xml);
  expect(version && SCHEMAS[version] ? version : `no schema for ${file} (${version})`).toBe(version);
  expect(await xsdErrors(xml, version!)).toEqual([]);
});

test('the schema check catches a broken statement (an entry without its status)', async () => {
  const xml = readFileSync(join(DIR, 'de/camt053.v8.de.xml'), 'utf8').replace(/<Sts>\s*<Cd>BOOK<\/Cd>\s*<\/Sts>/, '');
  const errors = await xsdErrors(xml, 'camt.053.001.08');
  expect(errors.join('\n')).toMatch(/Sts/);
});
