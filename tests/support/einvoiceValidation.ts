// The project's e-invoice validation for tests: src/node/einvoiceRules.ts (XSD with xmllint-wasm, the
// official Schematron rule sets through the project's Schematron→XSLT 3.0 translation, compiled
// rule sets cached on disk) with the validation material of the tests as its rules directory:
// EINVOICE_DIR, else the copy in tests/fixtures/einvoice (its README names sources and licences).
import { join } from 'node:path';
import * as rules from '../../src/node/einvoiceRules';
import type { RuleSet, RuleSetInfo, SchematronResult, XsdSyntax } from '../../src/node/einvoiceRules';

export type { RuleSet, RuleSetInfo, SchematronResult, XsdSyntax } from '../../src/node/einvoiceRules';
export { DOWNGRADED_RULES, PEPPOL_ADOPTED_RULES, errorsOf, syntaxOf, validateSchematronFile } from '../../src/node/einvoiceRules';

/** Base directory of the validation material (xsd/, schematron/, examples/). */
export function einvoiceDir(): string {
  return process.env.EINVOICE_DIR ?? join(__dirname, '../fixtures/einvoice');
}

/** XSD validation; returns the error messages (empty = valid). A document that is not well-formed is invalid too. */
export async function validateXsd(xml: string, syntax: XsdSyntax): Promise<string[]> {
  return (await rules.checkXsd(xml, syntax, einvoiceDir())).errors.map((e) => (e.line !== undefined ? `line ${e.line}: ${e.message}` : e.message));
}

/** Gets a rule set ready (compiles it on a cache miss: ~10–20 s for EN 16931); for beforeAll and timings. */
export function loadRuleSet(ruleSet: RuleSet): Promise<RuleSetInfo> {
  return rules.loadRuleSet(ruleSet, einvoiceDir());
}

/** Every failed assert and successful report of the rule set, in pattern order, then document order. */
export function validateSchematron(xml: string, ruleSet: RuleSet): Promise<SchematronResult[]> {
  return rules.validateSchematron(xml, ruleSet, einvoiceDir());
}
