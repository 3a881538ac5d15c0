// Supplier files for `billing receive`: read from disk (XML, or a Factur-X / ZUGFeRD PDF) and, with a
// rules directory, checked against the official schema and rule sets before they are written.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { xmlOfFile, type IncomingFile } from '../app/receive';
import { NotAnInvoice, checkRulesDir, validateReceived } from './einvoiceRules';

const RULE_SET_NAMES: Record<string, string> = {
  'xsd-ubl-invoice': 'UBL 2.1 schema',
  'xsd-ubl-creditnote': 'UBL 2.1 schema',
  'xsd-cii': 'CII D16B schema',
  'en16931-ubl': 'EN 16931',
  'en16931-cii': 'EN 16931',
  'xrechnung-ubl': 'XRechnung',
  'xrechnung-cii': 'XRechnung',
  'peppol-ubl': 'Peppol rules adopted by XRechnung',
  'peppol-cii': 'Peppol rules adopted by XRechnung',
};

/**
 * The files as the receive use case takes them. With `rulesDir` (the official XSD and Schematron
 * files, laid out as described in the README) every readable e-invoice gets `rules`; a file that is
 * not one is left for the use case to report.
 */
export async function readIncoming(paths: readonly string[], rulesDir?: string): Promise<IncomingFile[]> {
  if (rulesDir) checkRulesDir(rulesDir);
  const files: IncomingFile[] = paths.map((p) => ({ name: basename(p), bytes: new Uint8Array(readFileSync(p)) }));
  if (!rulesDir) return files;
  for (const f of files) {
    let xml: string;
    try {
      xml = xmlOfFile(f);
      f.xml = xml;
    } catch {
      continue;
    }
    try {
      const r = await validateReceived(xml, rulesDir);
      f.rules = { ran: [...new Set(r.ruleSets.map((s) => RULE_SET_NAMES[s] ?? s))], errors: r.errors.map((e) => `${e.id}: ${e.text}`) };
    } catch (err) {
      // Not an invoice or credit note: the use case says so and writes nothing. Anything else
      // (a rule set that does not compile, an unwritable cache) must not pass for "valid".
      if (!(err instanceof NotAnInvoice)) f.rules = { ran: [], errors: [`the official rules could not run: ${(err as Error).message}`] };
    }
  }
  return files;
}
