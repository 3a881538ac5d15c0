// The Node host's FilesPort: files the engine writes besides documents (SEPA direct-debit files)
// go to <out>/<tenant>/<folder>/<name>, next to the invoices' PDFs (<out>/<tenant>/<yyyy>/<mm>/).
// Every part is a safe file name (tenant ids are letters, digits, - and _ already; the folder is
// lower-cased: SEPA → sepa), checked to stay inside <out>; saving a name again replaces the file.
import { mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { safeFileName } from '../core/ids';
import type { FilesPort } from '../ports';
import { writeFileAtomic } from './files';

export class LocalFiles implements FilesPort {
  constructor(private readonly outDir: string) {}

  /** Where `save` puts a file: <out>/<tenant>/<folder, lower case>/<name>. */
  pathOf(tenantId: string, folder: string, name: string): string {
    const parts = [safeFileName(tenantId), safeFileName(folder.toLowerCase()), safeFileName(name)];
    const path = join(this.outDir, ...parts);
    const rel = relative(resolve(this.outDir), resolve(path));
    if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new Error(`the file ${parts.join('/')} would not be inside the output folder ${resolve(this.outDir)}`);
    return path;
  }

  save(tenant: { tenantId: string }, folder: string, name: string, content: string): string {
    const path = this.pathOf(tenant.tenantId, folder, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileAtomic(path, content);
    return path;
  }
}
