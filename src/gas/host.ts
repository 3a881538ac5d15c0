// Apps Script implementations of the ports.
import { BillingError } from '../core/errors';
import type { AccessPort, Ports } from '../ports';
import { DriveFiles } from './driveFiles';
import { SheetTables } from './sheetTables';

/** Spreadsheet locales that write 1.234,56 (decimal comma); Swiss locales use a decimal point. */
const DECIMAL_COMMA = /^(de|fr|es|it|nl|pt|pl|cs|da|fi|sv|nb|no|ru|tr|el|hu|ro|sk|sl|hr|bg|lt|lv|et|uk|id|vi)(?!_CH)/;

const HOLDER = 'billing.lockHolder';

export function gasPorts(): Ports {
  const ss = SpreadsheetApp.getActive();
  const tz = ss.getSpreadsheetTimeZone();
  // Date cells repeat (a run's dates, a month's periods): each instant is formatted once, not per cell.
  const days = new Map<number, string>();
  const fmt = (d: Date) => {
    const t = d.getTime();
    let day = days.get(t);
    if (day === undefined) days.set(t, (day = Utilities.formatDate(d, tz, 'yyyy-MM-dd')));
    return day;
  };
  return {
    tables: new SheetTables(ss),
    // Document Properties: per spreadsheet (Script Properties would be shared by every customer).
    kv: {
      get: (k) => PropertiesService.getDocumentProperties().getProperty(k) ?? undefined,
      set: (k, v) => void PropertiesService.getDocumentProperties().setProperty(k, v),
      delete: (k) => void PropertiesService.getDocumentProperties().deleteProperty(k),
    },
    clock: { now: () => new Date(), today: () => Utilities.formatDate(new Date(), tz, 'yyyy-MM-dd'), hour: () => Number(Utilities.formatDate(new Date(), tz, 'H')) },
    lock: {
      withLock<T>(fn: () => T, what = 'do a billing action'): T {
        const lock = LockService.getDocumentLock();
        const props = PropertiesService.getDocumentProperties();
        if (!lock.tryLock(10000)) {
          const h = JSON.parse(props.getProperty(HOLDER) ?? 'null') as { what: string; user: string; at: string } | null;
          throw new BillingError(
            h
              ? `Another billing action is in progress: ${h.user} started to ${h.what} at ${h.at}. Try again when it has finished.`
              : 'Another billing action is running in this spreadsheet. Try again in a minute.',
            { code: 'busy' },
          );
        }
        // Who holds the lock, for the message another user or the trigger gets meanwhile.
        props.setProperty(
          HOLDER,
          JSON.stringify({
            what,
            user: Session.getActiveUser().getEmail() || `the hourly trigger of ${Session.getEffectiveUser().getEmail()}`,
            at: Utilities.formatDate(new Date(), tz, 'yyyy-MM-dd HH:mm'),
          }),
        );
        try {
          const out = fn();
          SpreadsheetApp.flush();
          return out;
        } finally {
          props.deleteProperty(HOLDER);
          lock.releaseLock();
        }
      },
    },
    sha256(text: string): string {
      const bytes = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, text, Utilities.Charset.UTF_8);
      return bytes.map((b) => ((b + 256) % 256).toString(16).padStart(2, '0')).join('');
    },
    // In an installable trigger the active user is often '' (consumer accounts, other domains);
    // the trigger runs as its owner, the effective user.
    user: () => Session.getActiveUser().getEmail() || Session.getEffectiveUser().getEmail() || 'unknown user',
    dateOf: fmt,
    locale: DECIMAL_COMMA.test(ss.getSpreadsheetLocale()) ? 'de' : 'en',
    enforceAdmins: true,
    access: sheetAccess(ss),
    // SEPA files under the tenant's Drive folder (collections); Drive is touched only when one is saved.
    files: new DriveFiles(),
  };
}

/**
 * What Sheets will let the running user write, asked once per execution: a cell of a data sheet the
 * engine never protects (a viewer may edit none), and a cell of the protected Invoices sheet.
 */
function sheetAccess(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): AccessPort {
  const probe = (names: string[]) => {
    let known: boolean | undefined;
    return () => {
      if (known === undefined) {
        const sheet = names.map((n) => ss.getSheetByName(n)).find((s) => s);
        known = sheet ? sheet.getRange(1, 1).canEdit() : true;
      }
      return known;
    };
  };
  const edit = probe(['Settings', 'Accounts', 'Subscriptions']);
  const ledger = probe(['Invoices']);
  return { canEditSpreadsheet: edit, canWriteLedger: () => edit() && ledger() };
}
