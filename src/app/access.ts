// Who may do what in a shared workbook, and how work asked for by someone who may not do it gets
// done. Billing admins (Settings → Billing Admins; everybody while nobody is named) run, finalize,
// credit, send and set up. Other editors may ask for a run: it waits in a small queue for the
// hourly trigger, which runs as an admin (handOver.ts). Viewers change nothing. Invoice documents
// live in one user's Drive (the documents owner): other admins' document and mail work goes to the
// trigger of that owner. See README "Who can do what".
import { BillingError } from '../core/errors';
import type { Dataset } from '../core/dataset';
import type { Ports } from '../ports';

export type Role = 'admin' | 'editor' | 'viewer';

const TRIGGER = 'billing.trigger';
const DOCUMENTS_OWNER = 'billing.documentsOwner';

/** The billing admins named in Settings, lower case. */
export function adminsOf(ds: Dataset): string[] {
  return [
    ...new Set(
      ds.tenants
        .flatMap((t) => (t.billingAdmins ?? '').split(/[,;\s]+/))
        .map((e) => e.trim().toLowerCase())
        .filter((e) => e.includes('@')),
    ),
  ];
}

const named = (ports: Ports, ds: Dataset) => {
  const admins = adminsOf(ds);
  return !admins.length || admins.includes(ports.user().toLowerCase());
};

/** The running user's role: a viewer, a billing admin who may also write the engine's sheets, or another editor. */
export function roleOf(ports: Ports, ds: Dataset): Role {
  if (ports.access && !ports.access.canEditSpreadsheet()) return 'viewer';
  if (!ports.enforceAdmins) return 'admin';
  return named(ports, ds) && (!ports.access || ports.access.canWriteLedger()) ? 'admin' : 'editor';
}

const viewerCannot = (action: string) => new BillingError(`You can view this spreadsheet but not edit it, so you cannot ${action}.`, { code: 'forbidden' });

/** Throws a clear message when the running user may only view the spreadsheet. */
export function assertEditor(ports: Ports, action: string): void {
  if (ports.access && !ports.access.canEditSpreadsheet()) throw viewerCannot(action);
}

/** Throws a clear message unless the running user is a billing admin who may write the engine's sheets. */
export function assertAdmin(ports: Ports, ds: Dataset, action: string): void {
  assertEditor(ports, action);
  if (!ports.enforceAdmins) return;
  const admins = adminsOf(ds);
  if (!named(ports, ds)) {
    throw new BillingError(`Only the billing admins named in Settings (${admins.join(', ')}) may ${action}; you are signed in as ${ports.user()}.`, { code: 'forbidden' });
  }
  if (ports.access && !ports.access.canWriteLedger()) {
    throw new BillingError(
      admins.length
        ? `You are named a billing admin in Settings, but the protection of the billing sheets does not list you yet, so you cannot ${action}. A billing admin who can edit them should run Set up billing sheets again: it adds every admin named in Settings.`
        : `The billing sheets are protected and do not list you, so you cannot ${action}. Ask whoever set up billing to name you in Settings → Billing Admins and run Set up billing sheets again.`,
      { code: 'forbidden' },
    );
  }
}

// --- The hourly trigger and the documents owner ------------------------------------------------

export interface TriggerInfo {
  owner: string;
  since: string;
}

export function triggerOf(ports: Ports): TriggerInfo | undefined {
  const raw = ports.kv.get(TRIGGER);
  return raw ? (JSON.parse(raw) as TriggerInfo) : undefined;
}
export function recordTrigger(ports: Ports, owner: string | undefined): void {
  if (owner) ports.kv.set(TRIGGER, JSON.stringify({ owner, since: ports.clock.now().toISOString() } satisfies TriggerInfo));
  else ports.kv.delete(TRIGGER);
}

/** Whose Drive holds the invoice folders and templates (undefined: not recorded, e.g. made before this was). */
export function documentsOwner(ports: Ports): string | undefined {
  return ports.kv.get(DOCUMENTS_OWNER) || undefined;
}
export function recordDocumentsOwner(ports: Ports, user: string): void {
  ports.kv.set(DOCUMENTS_OWNER, user);
}
export const sameUser = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
/** Whether the running user reaches the invoice folders (they are theirs, or nobody is recorded). */
export function ownsDocuments(ports: Ports): boolean {
  const owner = documentsOwner(ports);
  return !owner || sameUser(owner, ports.user());
}
