// Files for `billing receive --rules`: an e-invoice gets the official findings; a rule set that
// cannot run is a finding of its own (never "valid"); a file that is no e-invoice is left to the use case.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIncoming } from '../../src/node/receiveFiles';
import { einvoiceDir } from '../support/einvoiceValidation';

describe('readIncoming', () => {
  const dir = mkdtempSync(join(tmpdir(), 'receive-files-'));
  const example = join(einvoiceDir(), 'examples/cii/CII_example1.xml');
  const notes = join(dir, 'notes.xml');
  writeFileSync(notes, '<notes>%PDF-1.7 is not a PDF here</notes>');

  it('without rules: the files as bytes, nothing checked yet', async () => {
    const [f] = await readIncoming([example]);
    expect([f.name, f.bytes!.length > 1000, f.rules]).toEqual(['CII_example1.xml', true, undefined]);
  });

  it('a rule set that does not compile is reported on the invoice, which therefore is not valid', async () => {
    const broken = join(dir, 'rules');
    cpSync(einvoiceDir(), broken, { recursive: true, filter: (p) => !p.includes('examples') });
    writeFileSync(
      join(broken, 'schematron/en16931/EN16931-CII-validation-preprocessed.sch'),
      '<schema xmlns="http://purl.oclc.org/dsdl/schematron"><pattern><rule context="/"><assert test="((">x</assert></rule></pattern></schema>',
    );
    const [invoice, other] = await readIncoming([example, notes], broken);
    expect(invoice.rules).toEqual({ ran: [], errors: [expect.stringMatching(/^the official rules could not run: /)] });
    expect(other.rules).toBeUndefined();
  }, 120_000);
});
