// Files the engine writes besides invoice documents (SEPA pain.008 direct-debit files) in Drive:
// <tenant's Drive folder>/<folder>/<name>. Saving a name again replaces the file's content in place
// (File.setContent), so a repeated collection leaves one file and every link to it stays valid.
// Both calls work on files the add-on created, which is all drive.file reaches: no further scope.
import { BillingError } from '../core/errors';
import type { Tenant } from '../core/model';
import type { FilesPort } from '../ports';

type Folder = GoogleAppsScript.Drive.Folder;

/** File.setContent refuses content above 10 MB; a pain.008 file of thousands of debits stays far below. */
const MAX_CONTENT = 10 * 1024 * 1024;

export class DriveFiles implements FilesPort {
  /** Folders looked up in this execution, by "<root id>/<name>". */
  private readonly folders = new Map<string, Folder>();

  private root(t: Tenant): Folder {
    if (!t.driveFolderId) throw new BillingError(`Settings has no Drive Folder ID for ${t.tenantId}: run Extensions → Billing → Set up billing sheets`, { code: 'invalid', ref: t.tenantId });
    let f = this.folders.get(t.driveFolderId);
    if (!f) {
      try {
        f = DriveApp.getFolderById(t.driveFolderId);
      } catch {
        throw new BillingError(`the Drive folder of ${t.tenantId} (Settings, Drive Folder ID "${t.driveFolderId}") cannot be opened: clear the cell and run Set up billing sheets`, {
          code: 'unreadable',
          ref: t.driveFolderId,
        });
      }
      this.folders.set(t.driveFolderId, f);
    }
    return f;
  }

  private child(t: Tenant, name: string): Folder {
    const key = `${t.driveFolderId}/${name}`;
    let f = this.folders.get(key);
    if (!f) {
      const parent = this.root(t);
      const it = parent.getFoldersByName(name);
      f = it.hasNext() ? it.next() : parent.createFolder(name);
      this.folders.set(key, f);
    }
    return f;
  }

  save(tenant: Tenant, folder: string, name: string, content: string, mimeType: string): string {
    if (content.length > MAX_CONTENT) throw new BillingError(`${name} is larger than the 10 MB Drive takes from the add-on in one file.`, { code: 'refused', ref: name });
    const dir = this.child(tenant, folder);
    const found: GoogleAppsScript.Drive.File[] = [];
    for (const it = dir.getFilesByName(name); it.hasNext(); ) {
      const f = it.next();
      if (!f.isTrashed()) found.push(f);
    }
    if (!found.length) return dir.createFile(name, content, mimeType).getUrl();
    // The first keeps its id and link; copies an earlier fault may have left are trashed.
    const [keep, ...extra] = found;
    keep.setContent(content);
    for (const f of extra) f.setTrashed(true);
    return keep.getUrl();
  }
}
