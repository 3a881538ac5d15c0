// The project's own e-invoice validation for tests: XSD (UBL 2.1, CII D16B) with xmllint-wasm and the
// official Schematron rule sets (EN 16931, XRechnung, Peppol) through a small Schematron→XSLT 3.0
// translation (schematron-to-xslt.xsl), compiled once with xslt3 to SEF and run with SaxonJS.
//
// The validation material is data outside the repository: /work/shared/einvoice (README there), or
// the directory in EINVOICE_DIR. Compiled rule sets are cached on disk under
// node_modules/.cache/einvoice-sef (or EINVOICE_SEF_CACHE), keyed by a hash of the .sch files, the
// translator and the SaxonJS version; safe for parallel Jest workers (lock file, temp file + rename).
import SaxonJS from 'saxon-js';
import { validateXML } from 'xmllint-wasm';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

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

/** Base directory of the validation material (xsd/, schematron/, examples/). */
export function einvoiceDir(): string {
  return process.env.EINVOICE_DIR ?? join(__dirname, '../../../shared/einvoice');
}

/** Bump when the translation or the runner changes in a way the translator file's hash doesn't show. */
const TRANSLATOR_VERSION = '1';
const TRANSLATOR = join(__dirname, 'schematron-to-xslt.xsl');

const RULE_SETS: Record<RuleSet, string> = {
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

/** The XSD for a document, from its root element (UBL Invoice, UBL CreditNote or CII). */
export function syntaxOf(xml: string): XsdSyntax {
  const root = /<(?:[\w.-]+:)?([\w.-]+)/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, ''))?.[1];
  if (root === 'Invoice') return 'ubl-invoice';
  if (root === 'CreditNote') return 'ubl-creditnote';
  if (root === 'CrossIndustryInvoice') return 'cii';
  throw new Error(`syntaxOf: root element ${root ?? '(none)'} is neither a UBL Invoice/CreditNote nor a CII CrossIndustryInvoice`);
}

// ---------------------------------------------------------------------------------------------
// XSD

type XsdFile = { fileName: string; contents: string };
const xsdFiles = new Map<string, XsdFile[]>();

function readXsdDir(dir: string): XsdFile[] {
  let files = xsdFiles.get(dir);
  if (!files) {
    const walk = (d: string): XsdFile[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(d, e.name))
        : e.name.endsWith('.xsd') ? [{ fileName: relative(dir, join(d, e.name)).split('\\').join('/'), contents: readFileSync(join(d, e.name), 'utf8') }]
        : [],
      );
    files = walk(dir);
    xsdFiles.set(dir, files);
  }
  return files;
}

/** XSD validation; returns the error messages (empty = valid). A document that is not well-formed is invalid too. */
export async function validateXsd(xml: string, syntax: XsdSyntax): Promise<string[]> {
  const { dir, main } = XSD[syntax];
  const files = readXsdDir(join(einvoiceDir(), dir));
  const schema = files.find((f) => f.fileName === main);
  if (!schema) throw new Error(`validateXsd: ${main} not found in ${join(einvoiceDir(), dir)}`);
  try {
    const result = await validateXML({
      xml: [{ fileName: 'invoice.xml', contents: xml }],
      // Kept in their folders so relative schemaLocations (../common/…) resolve in the in-memory file system.
      schema: [schema],
      preload: files.filter((f) => f !== schema),
      maxMemoryPages: 4096, // 256 MiB: the UBL common aggregate schema alone is 2.4 MB of XSD
    });
    if (result.valid) return [];
    const errors = result.errors
      .filter((e) => e.message.trim() !== '')
      .map((e) => (e.loc ? `line ${e.loc.lineNumber}: ${e.message}` : e.message));
    return errors.length ? errors : [result.rawOutput.trim() || 'invalid (xmllint gave no message)'];
  } catch (err) {
    // xmllint exit code 1: the document could not be read (e.g. not well-formed). Anything else
    // (schema does not compile, out of memory) is a problem of the validator, not the document.
    if ((err as { code?: unknown }).code === 1) return [String((err as Error).message).trim()];
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Schematron

function cacheDir(): string {
  return process.env.EINVOICE_SEF_CACHE ?? join(__dirname, '../../node_modules/.cache/einvoice-sef');
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

/** The .sch file and every file it includes (recursively), for the cache key. */
function schematronSources(schPath: string, seen = new Set<string>()): { path: string; text: string }[] {
  if (seen.has(schPath)) return [];
  seen.add(schPath);
  const text = readFileSync(schPath, 'utf8');
  const included = [...text.matchAll(/<(?:[\w.-]+:)?include\b[^>]*?\bhref\s*=\s*["']([^"']+)["']/g)].flatMap((m) =>
    schematronSources(resolve(dirname(schPath), m[1]), seen),
  );
  return [{ path: schPath, text }, ...included];
}

function cacheKey(label: string, schPath: string): string {
  const hash = createHash('sha256');
  hash.update(`translator ${TRANSLATOR_VERSION}\0saxon-js ${packageVersion('saxon-js')}\0xslt3 ${packageVersion('xslt3')}\0${label}\0`);
  hash.update(readFileSync(TRANSLATOR));
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
    await runXslt3([`-xsl:${TRANSLATOR}`, `-s:${schPath}`, `-o:${tmp}.xsl`]);
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
      // Another worker is compiling: wait for its result (or take over a lock left by a dead one).
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
      if (!existsSync(schPath)) throw new Error(`validateSchematron: ${schPath} not found (set EINVOICE_DIR?)`);
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

const loadRuleSetInternal = (ruleSet: RuleSet) => {
  if (!Object.prototype.hasOwnProperty.call(RULE_SETS, ruleSet)) throw new Error(`validateSchematron: unknown rule set ${String(ruleSet)}`);
  return load(ruleSet, join(einvoiceDir(), RULE_SETS[ruleSet]));
};

/** Gets a rule set ready (compiles it on a cache miss: ~10–20 s for EN 16931); for beforeAll and timings. */
export async function loadRuleSet(ruleSet: RuleSet): Promise<RuleSetInfo> {
  return (await loadRuleSetInternal(ruleSet)).info;
}

function run(sef: unknown, xml: string): SchematronResult[] {
  const out = SaxonJS.transform({ stylesheetInternal: sef, sourceText: xml, destination: 'serialized' });
  const raw = JSON.parse(String(out.principalResult)) as Partial<SchematronResult>[];
  return raw.map((r) => ({ id: r.id ?? '', flag: r.flag ?? '', location: r.location ?? '', text: r.text ?? '' }));
}

/** Every failed assert and successful report of the rule set, in pattern order, then document order. */
export async function validateSchematron(xml: string, ruleSet: RuleSet): Promise<SchematronResult[]> {
  return run((await loadRuleSetInternal(ruleSet)).sef, xml);
}

/** The same for any ISO Schematron file (queryBinding xslt2/xslt3), e.g. to test the translation itself. */
export async function validateSchematronFile(xml: string, schPath: string): Promise<SchematronResult[]> {
  const label = `file-${schPath.replace(/^.*[\\/]/, '').replace(/\.sch$/i, '').replace(/[^\w.-]+/g, '_')}`;
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
