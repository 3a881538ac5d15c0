// E-invoice validation with the official material (Node only): XSD (UBL 2.1, CII D16B) with
// xmllint-wasm and the official Schematron rule sets (EN 16931, XRechnung, Peppol) through the
// project's small Schematron→XSLT 3.0 translation (schematron-to-xslt.xsl next to this file),
// compiled once with xslt3 to SEF and run with SaxonJS. Used by `billing receive --rules <dir>` for
// supplier e-invoices (validateReceived) and by the tests (tests/support/einvoiceValidation.ts).
//
// The validation material is data outside the project: a directory with xsd/ and schematron/ in the
// layout of the shared e-invoice folder (its README), passed in as `rulesDir`. Compiled rule sets are
// cached on disk under node_modules/.cache/einvoice-sef of the project (or EINVOICE_SEF_CACHE), keyed
// by a hash of the .sch files, the translator and the SaxonJS/xslt3 versions; safe for parallel
// processes (lock file, temp file + rename).
//
// Paths work from the TypeScript source (Jest) and from an esbuild bundle (lib/billing-cli.cjs): the
// project directory is found by walking up from this module's directory to the package.json named
// "sheets-billing"; the translator is src/node/schematron-to-xslt.xsl there.
import SaxonJS from 'saxon-js';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { eInvoiceRoot } from '../core/einvoice/receive';

export type XsdSyntax = 'ubl-invoice' | 'ubl-creditnote' | 'cii';
export type RuleSet = 'en16931-ubl' | 'en16931-cii' | 'xrechnung-ubl' | 'xrechnung-cii' | 'peppol-ubl' | 'peppol-cii';
export interface SchematronResult {
  id: string;
  flag: string;
  location: string;
  text: string;
}
export interface RuleSetInfo {
  /** The rule set, or `file-<name>` for validateSchematronFile. */
  ruleSet: string;
  /** The compiled stylesheet on disk. */
  sefPath: string;
  /** True if this process translated and compiled it (cache miss), false if it came from the cache. */
  compiled: boolean;
  /** Time to get the compiled rule set ready in this process (compile, or wait and read). */
  ms: number;
}
/** One problem of a received invoice: a rule id (BR-CO-16, BR-DE-1 …, or XSD) with its flag and text. */
export interface RuleFinding {
  id: string;
  flag: 'fatal' | 'error' | 'warning' | 'information' | string;
  text: string;
  location?: string;
}
/** One XSD message, with the line it names if xmllint gave one. */
export interface XsdMessage {
  message: string;
  line?: number;
}

// ---------------------------------------------------------------------------------------------
// Where things are

const PROJECT_NAME = 'sheets-billing';

let projectDirMemo: string | undefined;
/** The project directory: the nearest ancestor of this module's directory with the project's package.json. */
export function projectDir(): string {
  if (projectDirMemo) return projectDirMemo;
  for (let d = resolve(__dirname); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PROJECT_NAME) return (projectDirMemo = d);
      } catch {
        /* not readable as JSON: keep looking */
      }
    }
    if (dirname(d) === d) throw new Error(`einvoiceRules: no package.json named "${PROJECT_NAME}" above ${__dirname}`);
  }
}

/** Bump when the translation or the runner changes in a way the translator file's hash doesn't show. */
const TRANSLATOR_VERSION = '1';
const translatorPath = () => join(projectDir(), 'src/node/schematron-to-xslt.xsl');
const cacheDir = () => process.env.EINVOICE_SEF_CACHE ?? join(projectDir(), 'node_modules/.cache/einvoice-sef');

/** The rule sets' files, relative to the rules directory. */
export const RULE_SET_FILES: Readonly<Record<RuleSet, string>> = {
  'en16931-ubl': 'schematron/en16931/EN16931-UBL-validation-preprocessed.sch',
  'en16931-cii': 'schematron/en16931/EN16931-CII-validation-preprocessed.sch',
  'xrechnung-ubl': 'schematron/xrechnung/ubl/XRechnung-UBL-validation.sch',
  'xrechnung-cii': 'schematron/xrechnung/cii/XRechnung-CII-validation.sch',
  'peppol-ubl': 'schematron/peppol/PEPPOL-EN16931-UBL.sch',
  'peppol-cii': 'schematron/peppol/PEPPOL-EN16931-CII.sch',
};

const XSD: Record<XsdSyntax, { dir: string; main: string }> = {
  'ubl-invoice': { dir: 'xsd/ubl-2.1', main: 'maindoc/UBL-Invoice-2.1.xsd' },
  'ubl-creditnote': { dir: 'xsd/ubl-2.1', main: 'maindoc/UBL-CreditNote-2.1.xsd' },
  cii: { dir: 'xsd/cii-d16b', main: 'CrossIndustryInvoice_100pD16B.xsd' },
};

/** What validateReceived needs in a rules directory: XRechnung's verdict takes the Peppol rules it adopts. */
const RECEIVED_FILES = [...new Set(Object.values(XSD).map((x) => `${x.dir}/${x.main}`)), ...(Object.keys(RULE_SET_FILES) as RuleSet[]).map((s) => RULE_SET_FILES[s])];

/** Throws an Error naming every missing file if `dir` lacks the layout validateReceived needs (xsd/, schematron/). */
export function checkRulesDir(dir: string): void {
  const missing = RECEIVED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (!missing.length) return;
  const what = existsSync(dir) ? `lacks ${missing.length === 1 ? 'a file' : `${missing.length} files`} of the expected layout` : 'does not exist';
  throw new Error(`e-invoice rules directory ${resolve(dir)} ${what} (xsd/ and schematron/ of the EN 16931 / XRechnung / Peppol validation material); missing: ${missing.join(', ')}`);
}

/** The XSD for a document, from its root element (UBL Invoice, UBL CreditNote or CII). */
export function syntaxOf(xml: string): XsdSyntax {
  const root = eInvoiceRoot(xml);
  if (!root) throw new NotAnInvoice('the root element is neither a UBL Invoice/CreditNote nor a CII CrossIndustryInvoice (in its namespace)');
  return root.syntax === 'cii' ? 'cii' : root.local === 'CreditNote' ? 'ubl-creditnote' : 'ubl-invoice';
}

/** A document that is not an e-invoice: nothing to validate (the receive use case reports it). */
export class NotAnInvoice extends Error {}

// ---------------------------------------------------------------------------------------------
// XSD

type XsdFile = { fileName: string; contents: string };
const xsdFiles = new Map<string, XsdFile[]>();

function readXsdDir(dir: string): XsdFile[] {
  let files = xsdFiles.get(dir);
  if (!files) {
    const walk = (d: string): XsdFile[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.xsd') ? [{ fileName: relative(dir, join(d, e.name)).split('\\').join('/'), contents: readFileSync(join(d, e.name), 'utf8') }] : [],
      );
    files = walk(dir);
    xsdFiles.set(dir, files);
  }
  return files;
}

/**
 * XSD validation against the schema of `syntax` in `rulesDir`; `readable` is false if xmllint could
 * not read the document at all (not well-formed), with its message in `errors`.
 */
export async function checkXsd(xml: string, syntax: XsdSyntax, rulesDir: string): Promise<{ readable: boolean; errors: XsdMessage[] }> {
  const dir = join(rulesDir, XSD[syntax].dir);
  const files = readXsdDir(dir);
  const schema = files.find((f) => f.fileName === XSD[syntax].main);
  if (!schema) throw new Error(`validateXsd: ${XSD[syntax].main} not found in ${dir}`);
  try {
    const result = await validateXML({
      xml: [{ fileName: 'invoice.xml', contents: xml }],
      // Kept in their folders so relative schemaLocations (../common/…) resolve in the in-memory file system.
      schema: [schema],
      preload: files.filter((f) => f !== schema),
      maxMemoryPages: 4096, // 256 MiB: the UBL common aggregate schema alone is 2.4 MB of XSD
    });
    if (result.valid) return { readable: true, errors: [] };
    const errors = result.errors.filter((e) => e.message.trim() !== '').map((e) => ({ message: e.message, line: e.loc?.lineNumber ?? undefined }));
    // A document that is not (namespace-)well-formed: xmllint's parser errors, each followed by the line it quotes.
    const readable = !errors.some((e) => /^(?:parser|namespace) error\b/.test(e.message));
    return { readable, errors: errors.length ? errors : [{ message: result.rawOutput.trim() || 'invalid (xmllint gave no message)' }] };
  } catch (err) {
    // xmllint exit code 1: the document could not be read (e.g. not well-formed). Anything else
    // (schema does not compile, out of memory) is a problem of the validator, not the document.
    if ((err as { code?: unknown }).code === 1) return { readable: false, errors: [{ message: String((err as Error).message).trim() }] };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Schematron

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

/** The .sch file and every file it includes (recursively), for the cache key. */
function schematronSources(schPath: string, seen = new Set<string>()): { path: string; text: string }[] {
  if (seen.has(schPath)) return [];
  seen.add(schPath);
  const text = readFileSync(schPath, 'utf8');
  const included = [...text.matchAll(/<(?:[\w.-]+:)?include\b[^>]*?\bhref\s*=\s*["']([^"']+)["']/g)].flatMap((m) => schematronSources(resolve(dirname(schPath), m[1]), seen));
  return [{ path: schPath, text }, ...included];
}

function cacheKey(label: string, schPath: string): string {
  const hash = createHash('sha256');
  hash.update(`translator ${TRANSLATOR_VERSION}\0saxon-js ${packageVersion('saxon-js')}\0xslt3 ${packageVersion('xslt3')}\0${label}\0`);
  hash.update(readFileSync(translatorPath()));
  for (const s of schematronSources(schPath)) hash.update(`\0${relative(dirname(schPath), s.path)}\0${s.text}`);
  return hash.digest('hex').slice(0, 20);
}

function runXslt3(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [require.resolve('xslt3/xslt3.js'), ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`xslt3 ${args.join(' ')} failed: ${err.message}\n${stderr}${stdout}`));
      else done();
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LOCK_STALE_MS = 15 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Translate and compile one rule set into `sefPath`, atomically (temp files, then rename). */
async function compileRuleSet(schPath: string, base: string, sefPath: string): Promise<void> {
  const tmp = `${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await runXslt3([`-xsl:${translatorPath()}`, `-s:${schPath}`, `-o:${tmp}.xsl`]);
    await runXslt3([`-xsl:${tmp}.xsl`, `-export:${tmp}.sef.json`, '-nogo']);
    if (!existsSync(`${tmp}.sef.json`)) throw new Error(`xslt3 wrote no ${tmp}.sef.json`);
    renameSync(`${tmp}.xsl`, `${base}.xsl`); // the generated XSLT, kept for reading
    renameSync(`${tmp}.sef.json`, sefPath);
  } finally {
    rmSync(`${tmp}.xsl`, { force: true });
    rmSync(`${tmp}.sef.json`, { force: true });
  }
}

/** Makes sure the compiled rule set is on disk; one process compiles, others wait for it. */
async function ensureSef(schPath: string, base: string, sefPath: string): Promise<boolean> {
  const lockPath = `${base}.lock`;
  for (;;) {
    if (existsSync(sefPath)) return false;
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another process is compiling: wait for its result (or take over a lock left by a dead one).
      try {
        const holder = Number(readFileSync(lockPath, 'utf8').trim());
        if (Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS || (holder > 0 && !processAlive(holder))) rmSync(lockPath, { force: true });
      } catch {
        /* the lock just went away */
      }
      await sleep(250);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      if (existsSync(sefPath)) return false; // finished between our check and the lock
      await compileRuleSet(schPath, base, sefPath);
      return true;
    } finally {
      rmSync(lockPath, { force: true });
    }
  }
}

interface Loaded {
  info: RuleSetInfo;
  sef: unknown;
}
const loaded = new Map<string, Promise<Loaded>>();

/** Compiled (cached) stylesheet of one .sch file; `label` names the cache file and goes into its key. */
function load(label: string, schPath: string): Promise<Loaded> {
  const memoKey = `${label}\0${schPath}`;
  let p = loaded.get(memoKey);
  if (!p) {
    p = (async () => {
      const started = Date.now();
      if (!existsSync(schPath)) throw new Error(`validateSchematron: ${schPath} not found`);
      mkdirSync(cacheDir(), { recursive: true });
      const base = join(cacheDir(), `${label}-${cacheKey(label, schPath)}`);
      const sefPath = `${base}.sef.json`;
      const compiled = await ensureSef(schPath, base, sefPath);
      const sef: unknown = JSON.parse(readFileSync(sefPath, 'utf8'));
      return { info: { ruleSet: label, sefPath, compiled, ms: Date.now() - started }, sef };
    })();
    p.catch(() => loaded.delete(memoKey)); // a failed compile is retried on the next call
    loaded.set(memoKey, p);
  }
  return p;
}

function loadRuleSetInternal(ruleSet: RuleSet, rulesDir: string): Promise<Loaded> {
  if (!Object.prototype.hasOwnProperty.call(RULE_SET_FILES, ruleSet)) throw new Error(`validateSchematron: unknown rule set ${String(ruleSet)}`);
  return load(ruleSet, resolve(rulesDir, RULE_SET_FILES[ruleSet]));
}

/** Gets a rule set ready (compiles it on a cache miss: ~10–20 s for EN 16931). */
export async function loadRuleSet(ruleSet: RuleSet, rulesDir: string): Promise<RuleSetInfo> {
  return (await loadRuleSetInternal(ruleSet, rulesDir)).info;
}

function run(sef: unknown, xml: string): SchematronResult[] {
  const out = SaxonJS.transform({ stylesheetInternal: sef, sourceText: xml, destination: 'serialized' });
  const raw = JSON.parse(String(out.principalResult)) as Partial<SchematronResult>[];
  return raw.map((r) => ({ id: r.id ?? '', flag: r.flag ?? '', location: r.location ?? '', text: r.text ?? '' }));
}

/** Every failed assert and successful report of the rule set, in pattern order, then document order. */
export async function validateSchematron(xml: string, ruleSet: RuleSet, rulesDir: string): Promise<SchematronResult[]> {
  return withoutFalseIbanWarnings(run((await loadRuleSetInternal(ruleSet, rulesDir)).sef, xml), xml);
}

// BR-DE-19 (XRechnung, a warning: the SEPA account should be a correct IBAN) tests
// `xs:integer(digits) mod 97 = 1`. SaxonJS computes that in floating point, so it is wrong for the
// 20-odd digits of an IBAN (DE89370400440532013000 gives 65, not 1) and the rule warns on valid IBANs.
// Its findings on IBANs that pass the same test computed exactly are dropped; invalid IBANs keep it.

/** The test of BR-DE-19, computed exactly: the rule's format, then the digits (A=10 … Z=35) of BBAN + country + check digits mod 97 = 1. */
export function ibanPassesBrDe19(raw: string): boolean {
  const iban = raw.replace(/\s/g, '');
  if (!/^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$/.test(iban)) return false;
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const cp = ch.codePointAt(0) ?? 0;
    // As the rule: a letter (code point above 64) is its code point − 55, a digit its value.
    for (const digit of String(cp > 64 ? cp - 55 : cp - 48)) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

type OrderedNode = Record<string, unknown>;
const localName = (tag: string) => tag.slice(tag.indexOf(':') + 1);
const tagOf = (n: OrderedNode) => Object.keys(n).find((k) => k !== ':@');
const childrenOf = (n: OrderedNode | undefined): OrderedNode[] => {
  const tag = n && tagOf(n);
  return tag && Array.isArray(n[tag]) ? (n[tag] as OrderedNode[]) : [];
};
const textOf = (n: OrderedNode | undefined) =>
  childrenOf(n)
    .map((c) => String(c['#text'] ?? ''))
    .join('');

/** The payee account (BT-84) of the payment means at a finding's location (`/a:B[1]/c:D[2]…`, the document's prefixes). */
function payeeAccountAt(doc: OrderedNode[], location: string): string | undefined {
  let level = doc;
  let node: OrderedNode | undefined;
  for (const step of location.split('/').filter(Boolean)) {
    const m = /^(.+)\[(\d+)\]$/.exec(step);
    if (!m) return undefined;
    node = level.filter((n) => tagOf(n) === m[1])[Number(m[2]) - 1];
    if (!node) return undefined;
    level = childrenOf(node);
  }
  const account = level.find((n) => ['PayeeFinancialAccount', 'PayeePartyCreditorFinancialAccount'].includes(localName(tagOf(n) ?? '')));
  const id = childrenOf(account).find((n) => ['ID', 'IBANID'].includes(localName(tagOf(n) ?? '')));
  return id && textOf(id);
}

function withoutFalseIbanWarnings(results: SchematronResult[], xml: string): SchematronResult[] {
  if (!results.some((r) => r.id === 'BR-DE-19')) return results;
  const doc = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false, trimValues: false }).parse(xml) as OrderedNode[];
  return results.filter((r) => {
    if (r.id !== 'BR-DE-19') return true;
    const iban = payeeAccountAt(doc, r.location);
    return iban === undefined || !ibanPassesBrDe19(iban);
  });
}

/** The same for any ISO Schematron file (queryBinding xslt2/xslt3), e.g. to test the translation itself. */
export async function validateSchematronFile(xml: string, schPath: string): Promise<SchematronResult[]> {
  const label = `file-${schPath
    .replace(/^.*[\\/]/, '')
    .replace(/\.sch$/i, '')
    .replace(/[^\w.-]+/g, '_')}`;
  return run((await load(label, resolve(schPath))).sef, xml);
}

// ---------------------------------------------------------------------------------------------
// Severity as the German validator (KoSIT) applies it

/** The Peppol BIS rules XRechnung adopts; the Peppol set's other rules are ignored. */
export const PEPPOL_ADOPTED_RULES: ReadonlySet<string> = new Set(
  ['R001', 'R005', 'R008', 'R010', 'R020', 'R040', 'R041', 'R042', 'R043', 'R044', 'R045', 'R046', 'R053', 'R054', 'R055', 'R061', 'R101', 'R110', 'R111', 'R120', 'R121', 'R130'].map(
    (r) => `PEPPOL-EN16931-${r}`,
  ),
);
/** Downgraded to warnings in the standard scenarios. */
export const DOWNGRADED_RULES: ReadonlySet<string> = new Set(['BR-CL-21', 'BR-CL-23']);

/** Ids that only the Peppol rule sets use: PEPPOL-…, and the national rules DE-R-…, NO-R-…, GR-S-… */
const isPeppolSetId = (id: string) => /^PEPPOL-|^[A-Z]{2}-[RS]-/.test(id);

/**
 * The results that make an invoice fail: not flag="warning"/"information", not BR-CL-21/BR-CL-23, and
 * from a Peppol set only the adopted rules. Without `ruleSet`, a result is taken as a Peppol-set one by its id.
 */
export function errorsOf(results: readonly SchematronResult[], ruleSet?: RuleSet): SchematronResult[] {
  return results.filter((r) => {
    if (r.flag === 'warning' || r.flag === 'information') return false;
    if (DOWNGRADED_RULES.has(r.id)) return false;
    const fromPeppol = ruleSet ? ruleSet.startsWith('peppol-') : isPeppolSetId(r.id);
    return !fromPeppol || PEPPOL_ADOPTED_RULES.has(r.id);
  });
}

// ---------------------------------------------------------------------------------------------
// KoSIT's scenarios: which rule sets run and which rules change severity, per specification id

/**
 * The scenario of the German validator (KoSIT) that a document falls under, by its CustomizationID
 * (UBL) or guideline parameter (CII): XRechnung 3.0 (the CIUS), its Extension, its CVD (Core
 * Vocabulary Directory), or plain EN 16931 (any other identifier: the EN 16931 rules only).
 */
export type Scenario = 'en16931' | 'xrechnung' | 'xrechnung-extension' | 'xrechnung-cvd';
type Level = 'information' | 'warning' | 'error';

const L = (info: string[], warning: string[], error: string[] = []): Readonly<Record<string, Level>> =>
  Object.fromEntries([...info.map((id) => [id, 'information']), ...warning.map((id) => [id, 'warning']), ...error.map((id) => [id, 'error'])]);
const CII_ERRORS = ['CII-SR-452', 'CII-SR-453', 'CII-SR-454'];
const DIGA_CODES = ['BR-CL-10', 'BR-CL-11', 'BR-CL-24', 'BR-CL-25', 'BR-CL-26'];

/**
 * The customLevel entries of KoSIT's scenarios (github.com/itplr-kosit/validator-configuration-xrechnung,
 * scenarios.xml, the configuration of the German validator for XRechnung 3.0; Apache-2.0), per scenario
 * and document kind: "information" and "warning" do not fail a document, "error" does.
 * - XRechnung (UBL Invoice): BR-CL-21, BR-CL-23 warning; UBL-CR-646 (sub invoice lines) error. UBL
 *   CreditNote: BR-CL-21, BR-CL-23 warning. CII: BR-CL-21, BR-CL-23 warning; CII-SR-452..454 error.
 * - Extension (UBL Invoice): BR-CL-10, -11, -21, -24, -25, -26 (DIGA codes, mime codes), BR-CO-16
 *   (third-party payment), UBL-CR-470 and UBL-CR-646 information; BR-CL-23 warning. CII: the same
 *   BR-CL rules information, BR-CL-23 warning, CII-SR-452..454 error (no BR-CO-16 there). KoSIT has
 *   no Extension scenario for UBL credit notes: they are judged as XRechnung.
 * - CVD (UBL Invoice and CreditNote): BR-CL-13 (BT-158 scheme) information; BR-CL-21, BR-CL-23
 *   warning; UBL-CR-646 error. CII: the same, with CII-SR-452..454 error.
 * - Plain EN 16931: no changes.
 */
export const SCENARIO_LEVELS: Readonly<Record<Scenario, Readonly<Record<XsdSyntax, Readonly<Record<string, Level>>>>>> = {
  en16931: { 'ubl-invoice': {}, 'ubl-creditnote': {}, cii: {} },
  xrechnung: {
    'ubl-invoice': L([], ['BR-CL-21', 'BR-CL-23'], ['UBL-CR-646']),
    'ubl-creditnote': L([], ['BR-CL-21', 'BR-CL-23']),
    cii: L([], ['BR-CL-21', 'BR-CL-23'], CII_ERRORS),
  },
  'xrechnung-extension': {
    'ubl-invoice': L([...DIGA_CODES, 'BR-CL-21', 'BR-CO-16', 'UBL-CR-470', 'UBL-CR-646'], ['BR-CL-23']),
    'ubl-creditnote': L([], ['BR-CL-21', 'BR-CL-23']),
    cii: L([...DIGA_CODES, 'BR-CL-21'], ['BR-CL-23'], CII_ERRORS),
  },
  'xrechnung-cvd': {
    'ubl-invoice': L(['BR-CL-13'], ['BR-CL-21', 'BR-CL-23'], ['UBL-CR-646']),
    'ubl-creditnote': L(['BR-CL-13'], ['BR-CL-21', 'BR-CL-23'], ['UBL-CR-646']),
    cii: L(['BR-CL-13'], ['BR-CL-21', 'BR-CL-23'], CII_ERRORS),
  },
};

/** The text without processing instructions, comments and a DOCTYPE. */
const withoutMarkup = (xml: string) => xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '');

/** The document's specification identifiers: UBL CustomizationID, CII guideline parameter. */
function specificationIds(xml: string): string[] {
  const text = withoutMarkup(xml).replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
  return [
    ...text.matchAll(/<(?:[\w.-]+:)?CustomizationID\b[^>]*>([^<]*)</g),
    ...text.matchAll(/<(?:[\w.-]+:)?GuidelineSpecifiedDocumentContextParameter\b[^>]*>\s*<(?:[\w.-]+:)?ID\b[^>]*>([^<]*)</g),
  ].map((m) => m[1].trim());
}

/** KoSIT's scenario for a document (see Scenario). */
export function scenarioOf(xml: string): Scenario {
  const ids = specificationIds(xml);
  if (ids.some((id) => /#conformant#urn:xeinkauf\.de:kosit:extension:xrechnung_/i.test(id))) return 'xrechnung-extension';
  if (ids.some((id) => /:xrechnung:cvd_/i.test(id))) return 'xrechnung-cvd';
  return ids.some((id) => /xrechnung/i.test(id)) ? 'xrechnung' : 'en16931';
}

// ---------------------------------------------------------------------------------------------
// Received invoices

/** True if the document's CustomizationID (UBL) or guideline parameter (CII) names XRechnung. */
export function isXRechnung(xml: string): boolean {
  return scenarioOf(xml) !== 'en16931';
}

/**
 * Validates a received e-invoice against the material in `rulesDir` as the German validator (KoSIT)
 * does: the XSD of its syntax and the EN 16931 rules of its syntax; for an XRechnung (its
 * CustomizationID / GuidelineSpecifiedDocumentContextParameter names one: standard, Extension or
 * CVD) also the XRechnung rules and the Peppol rules XRechnung adopts (KoSIT's XRechnung release
 * merges them into its rules: an XRechnung without ProfileID, PEPPOL-EN16931-R001, or seller
 * electronic address, R020, is not valid); the Peppol set's other rules are not reported. Severities
 * as the scenario sets them (SCENARIO_LEVELS): errors (fatal/error) fail the invoice, warnings and
 * information don't. XSD problems are findings with id 'XSD'; a document that is not well-formed gives
 * one such error and nothing else. Throws for a document whose root is no UBL Invoice/CreditNote or
 * CII invoice, and (checkRulesDir) for a rules directory without the expected files.
 */
export async function validateReceived(xml: string, rulesDir: string): Promise<{ errors: RuleFinding[]; warnings: RuleFinding[]; ruleSets: string[]; scenario: Scenario }> {
  checkRulesDir(rulesDir);
  let syntax: XsdSyntax;
  try {
    syntax = syntaxOf(xml);
  } catch (err) {
    // No invoice root: if xmllint cannot read it at all, that is the finding; else not an invoice.
    const probe = await checkXsd(xml, 'cii', rulesDir);
    if (probe.readable) throw err;
    return { errors: [notWellFormed(probe.errors)], warnings: [], ruleSets: [], scenario: 'en16931' };
  }
  const scenario = scenarioOf(xml);
  const xsd = await checkXsd(xml, syntax, rulesDir);
  const ruleSets = [`xsd-${syntax}`];
  if (!xsd.readable) return { errors: [notWellFormed(xsd.errors)], warnings: [], ruleSets, scenario };
  const errors = xsd.errors.map((e) => xsdFinding(e, 'error'));
  const warnings: RuleFinding[] = [];
  const cii = syntax === 'cii';
  const sets: RuleSet[] = [cii ? 'en16931-cii' : 'en16931-ubl'];
  if (scenario !== 'en16931') sets.push(cii ? 'xrechnung-cii' : 'xrechnung-ubl', cii ? 'peppol-cii' : 'peppol-ubl');
  const levels = SCENARIO_LEVELS[scenario][syntax];
  for (const set of sets) {
    ruleSets.push(set);
    let results: SchematronResult[];
    try {
      results = await validateSchematron(xml, set, rulesDir);
    } catch (err) {
      // A schema-invalid document may stop a rule set (e.g. a value of the wrong type); a valid one must not.
      if (!errors.length) throw err;
      errors.push({ id: set, flag: 'fatal', text: `rule set not applicable to this document: ${(err as Error).message}` });
      continue;
    }
    for (const r of results) {
      if (set.startsWith('peppol-') && !PEPPOL_ADOPTED_RULES.has(r.id)) continue;
      const flag = levels[r.id] ?? r.flag;
      const finding: RuleFinding = { id: r.id, flag, text: r.text.trim().replace(/\s+/g, ' '), ...(r.location ? { location: r.location } : {}) };
      (flag === 'warning' || flag === 'information' ? warnings : errors).push(finding);
    }
  }
  return { errors, warnings, ruleSets, scenario };
}

const xsdFinding = (e: XsdMessage, flag: string): RuleFinding => ({ id: 'XSD', flag, text: e.message.trim(), ...(typeof e.line === 'number' ? { location: `line ${e.line}` } : {}) });

/** One finding for a document xmllint could not read: its parser errors (without the quoted lines). */
function notWellFormed(messages: XsdMessage[]): RuleFinding {
  const parser = messages.filter((e) => /^(?:parser|namespace) error\b/.test(e.message));
  const text = (parser.length ? parser : messages).map((e) => e.message.trim()).join('; ');
  return xsdFinding({ message: `not well-formed XML: ${text}`, line: (parser[0] ?? messages[0])?.line }, 'fatal');
}
