// Fakes of the Apps Script services the bundle uses, behaving like the real ones where it matters:
// values as Sheets returns them (numbers, Dates, ''), strict 2-D shapes, typed input parsed as Sheets
// parses it (dates, numbers, formulas; a leading apostrophe keeps text), document lock, digests.
// Drive, Docs, Mail and Blob fakes are in gasServices.ts; all share this spreadsheet's simulated clock,
// counters, daily quotas and crash injection (ss.call).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FakeDrive, FakeMailbox, formatDate, gasServices, serviceLatency, zoned } from './gasServices';

type V = string | number | boolean | Date;

export interface FakeCounters {
  [call: string]: number;
}

function parseTyped(v: unknown, tz: string): { value: V; formula?: string } {
  if (typeof v !== 'string') return { value: v as V };
  if (v.startsWith("'")) return { value: v.slice(1) };
  if (/^[=]/.test(v)) return { value: '#FORMULA', formula: v };
  if (/^[+-]?\d+(\.\d+)?$/.test(v)) return { value: Number(v) };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) return { value: zonedMidnight(Number(m[1]), Number(m[2]), Number(m[3]), tz) };
  return { value: v };
}

/** The instant of local midnight of a calendar day in a time zone (how Sheets hands out date cells). */
export function zonedMidnight(y: number, m: number, d: number, tz: string): Date {
  const guess = Date.UTC(y, m - 1, d);
  const p = Object.fromEntries(zoned(tz).formatToParts(guess).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return new Date(guess - (local - guess));
}

export class FakeProtection {
  description = '';
  editors: string[];
  domainEdit = true;
  constructor(public type: 'SHEET' | 'RANGE', public column: number, owner: string, private ss: FakeSpreadsheet) {
    this.editors = [owner];
  }
  setDescription(d: string) { this.description = d; return this; }
  getDescription() { return this.description; }
  getEditors() { return this.editors.map((e) => ({ getEmail: () => e })); }
  removeEditors(list: { getEmail(): string }[] | string[]) {
    const out = list.map((e) => (typeof e === 'string' ? e : e.getEmail()));
    // The owner of a spreadsheet can never be removed from a protection.
    this.editors = this.editors.filter((e) => !out.includes(e) || e === this.ss.owner);
    return this;
  }
  addEditors(list: string[]) { this.editors = [...new Set([...this.editors, ...list])]; return this; }
  canDomainEdit() { return this.domainEdit; }
  setDomainEdit(v: boolean) { this.domainEdit = v; return this; }
  getRange() { return { getColumn: () => this.column }; }
}

export class FakeSheet {
  cells: V[][] = [];
  formulas: string[] = [];
  frozenRows = 0;
  /** Per column (1-based): number format, drop-down values, bold header, header note. */
  formats = new Map<number, string>();
  validations = new Map<number, string[]>();
  notes = new Map<number, string>();
  protections: FakeProtection[] = [];
  setFrozenRows(n: number) { this.count('setFrozenRows'); this.frozenRows = n; }
  getFrozenRows() { return this.frozenRows; }
  protect() {
    this.count('protect');
    const p = new FakeProtection('SHEET', 0, this.ss.owner, this.ss);
    this.protections.push(p);
    return p;
  }
  getProtections(type: 'SHEET' | 'RANGE') { return this.protections.filter((p) => p.type === type); }
  constructor(public name: string, readonly ss: FakeSpreadsheet) {}
  /** A counted Spreadsheet call: counters[k] and counters['k:<sheet name>']. */
  count(k: string, cells = 0) { this.ss.call(k, cells, this.name); }
  activate() { this.count('activate'); this.ss.active = { sheet: this.name, row: 1, column: 1 }; return this; }
  getName() { return this.name; }
  getLastRow() { return this.cells.length; }
  getLastColumn() { return Math.max(0, ...this.cells.map((r) => r.length)); }
  getDataRange() {
    return this.getRange(1, 1, Math.max(1, this.getLastRow()), Math.max(1, this.getLastColumn()));
  }
  getRange(row: number, col: number, numRows = 1, numCols = 1) {
    if (row < 1 || col < 1 || numRows < 1 || numCols < 1) throw new Error('Exception: The coordinates of the range are outside the dimensions of the sheet.');
    const sheet = this;
    const range = {
      getRow: () => row,
      activate: () => {
        sheet.count('activate');
        sheet.ss.active = { sheet: sheet.name, row, column: col };
        return range;
      },
      getValues: () => {
        sheet.count('getValues', numRows * numCols);
        const width = sheet.getLastColumn();
        return Array.from({ length: numRows }, (_, i) =>
          Array.from({ length: numCols }, (_, j) => (col - 1 + j < width ? sheet.cells[row - 1 + i]?.[col - 1 + j] ?? '' : '')));
      },
      setValues: (values: unknown[][]) => {
        sheet.count('setValues', numRows * numCols);
        if (!Array.isArray(values) || values.length !== numRows || values.some((r) => !Array.isArray(r) || r.length !== numCols)) {
          throw new Error(`Exception: The number of rows or columns in the data does not match the range. The data has ${values.length} rows but the range has ${numRows}.`);
        }
        values.forEach((r, i) => r.forEach((v, j) => {
          while (sheet.cells.length < row + i) sheet.cells.push([]);
          const line = sheet.cells[row - 1 + i];
          while (line.length < col + j) line.push('');
          // A column formatted as plain text (@) keeps what is typed as text, as Sheets does.
          const t = sheet.formats.get(col + j) === '@' && typeof v === 'string' ? { value: v.startsWith("'") ? v.slice(1) : v } as { value: V; formula?: string } : parseTyped(v, sheet.ss.tz);
          line[col - 1 + j] = t.value;
          if (t.formula) sheet.formulas.push(t.formula);
        }));
        const width = sheet.getLastColumn();
        for (const r of sheet.cells) while (r.length < width) r.push('');
        return undefined;
      },
      getColumn: () => col,
      setFontWeight: () => (sheet.count('setFontWeight'), undefined),
      setNotes: (notes: string[][]) => {
        sheet.count('setNotes');
        if (notes.length !== numRows || notes.some((r) => r.length !== numCols)) throw new Error('Exception: The number of rows or columns in the data does not match the range.');
        notes[0].forEach((n, j) => sheet.notes.set(col + j, n));
      },
      setNumberFormat: (f: string) => {
        sheet.count('setNumberFormat');
        for (let j = 0; j < numCols; j++) sheet.formats.set(col + j, f);
      },
      setDataValidation: (rule: { values: string[] }) => {
        sheet.count('setDataValidation');
        for (let j = 0; j < numCols; j++) sheet.validations.set(col + j, rule.values);
      },
      protect: () => {
        sheet.count('protect');
        const p = new FakeProtection('RANGE', col, sheet.ss.owner, sheet.ss);
        sheet.protections.push(p);
        return p;
      },
    };
    return range;
  }
  deleteRows(start: number, howMany: number) {
    this.count('deleteRows');
    if (start < 1 || start + howMany - 1 > this.cells.length) throw new Error('Exception: Those rows are out of bounds.');
    this.cells.splice(start - 1, howMany);
  }
}

/**
 * Typical latencies of Spreadsheet calls (ms, plus per cell), from the shape of Apps Script's
 * behaviour: a bulk call costs far more than nothing, a cell far less than a call.
 */
const LATENCY: Record<string, [number, number]> = {
  getValues: [60, 0.002], setValues: [120, 0.01], deleteRows: [90, 0], setNotes: [80, 0], setNumberFormat: [40, 0],
  setDataValidation: [60, 0], protect: [150, 0], setFontWeight: [30, 0], setFrozenRows: [30, 0], activate: [40, 0],
};

/** Apps Script stops an execution after 6 minutes with this error. */
export const TIME_LIMIT_MS = 6 * 60 * 1000;

export interface DailyUsage { day: string; docsCreated: number; mailRecipients: number }

/** An installed trigger: its handler, the user who owns it and the document it belongs to. */
export interface FakeTrigger { handler: string; user: string; doc: string; id: string }

/**
 * The Apps Script project (the add-on), shared by every document it is used in: its installed
 * triggers are stored per user and document. Give two spreadsheets the same project to play one
 * user's two workbooks.
 */
export class FakeScriptProject {
  triggers: FakeTrigger[] = [];
  private seq = 0;
  nextTriggerId() { return `T${++this.seq}`; }
}

let spreadsheetSeq = 0;

export class FakeSpreadsheet {
  sheets = new Map<string, FakeSheet>();
  /** Counted calls by name ('getValues', 'getValues:Invoices', 'DriveApp.getFileById', 'Element.findText', ...). */
  counters: FakeCounters = {};
  /** Counted calls ever made, all services (e.g. to inject a crash at each of them in turn). */
  callCount = 0;

  // --- Simulated clock -----------------------------------------------------------------------
  /** The simulated instant this spreadsheet's clock started at (settable). */
  startMs: number;
  private simulatedMs = 0;
  private totalSpentMs = 0;
  private advancedMs = 0;
  private readonly realT0 = performance.now();
  private execRealStart = performance.now();
  /**
   * Simulated latency spent by the current execution. Setting it (tests do `ss.elapsedMs = 0`)
   * starts a new execution's real-time measurement too, like beginExecution() without its saving.
   */
  get elapsedMs() { return this.simulatedMs; }
  set elapsedMs(v: number) { this.simulatedMs = v; this.execRealStart = performance.now(); }
  /** Now on the simulated clock: start + all latency ever spent + advance() jumps + real time (CPU counts too). */
  now() { return this.startMs + this.totalSpentMs + this.advancedMs + (performance.now() - this.realT0); }
  /** Jump the clock (next hour, next day: daily quotas reset when the day in tz changes). */
  advance(ms: number) { this.advancedMs += ms; }
  /**
   * A new execution: elapsedMs 0, real time measured from now. Documents the previous execution left
   * open are saved and closed first and its lock released, as Apps Script does when a script ends.
   */
  beginExecution() { this.drive._endExecution(); this.documentLocked = false; this.elapsedMs = 0; }
  /** Charge simulated time to the execution; past 6 minutes (simulated + real) it is stopped. */
  chargeMs(ms: number) {
    this.simulatedMs += ms;
    this.totalSpentMs += ms;
    const real = performance.now() - this.execRealStart;
    if (this.simulatedMs + real > TIME_LIMIT_MS) {
      // The execution is over: its reported time is its whole time, real time included.
      this.simulatedMs += real;
      this.execRealStart = performance.now();
      throw new Error('Exceeded maximum execution time');
    }
  }
  spend(call: string, cells = 0) {
    const [base, perCell] = LATENCY[call] ?? [serviceLatency(call) ?? 20, 0];
    this.chargeMs(base + perCell * cells);
  }

  // --- Counted calls and crash injection -------------------------------------------------------
  private failures: { remaining: number; error: string | Error }[] = [];
  /** The n-th counted call from now (1 = the next one), any service, throws `error` once. */
  failAt(n: number, error: string | Error = 'Service error: simulated crash') {
    if (!Number.isInteger(n) || n < 1) throw new Error(`failAt: n must be 1 or more, not ${n}`);
    this.failures.push({ remaining: n, error });
    return this;
  }
  /** Every service call goes through here: counted (also per sheet), charged, maybe made to fail. */
  call(name: string, cells = 0, sheet?: string, ms?: number) {
    this.callCount++;
    this.counters[name] = (this.counters[name] ?? 0) + 1;
    if (sheet !== undefined) this.counters[`${name}:${sheet}`] = (this.counters[`${name}:${sheet}`] ?? 0) + 1;
    // Cells moved by a call: counters['cells:getValues'] and counters['cells:getValues:<sheet>'].
    if (cells) {
      this.counters[`cells:${name}`] = (this.counters[`cells:${name}`] ?? 0) + cells;
      if (sheet !== undefined) this.counters[`cells:${name}:${sheet}`] = (this.counters[`cells:${name}:${sheet}`] ?? 0) + cells;
    }
    for (const f of this.failures) f.remaining--;
    const due = this.failures.find((f) => f.remaining === 0);
    this.failures = this.failures.filter((f) => f.remaining > 0);
    if (ms === undefined) this.spend(name, cells);
    else this.chargeMs(ms);
    if (due) throw typeof due.error === 'string' ? new Error(due.error) : due.error;
  }

  // --- Drive, mail, daily quotas ---------------------------------------------------------------
  drive = new FakeDrive(this);
  mail = new FakeMailbox();
  /** Daily quotas of a consumer account (settable). */
  quotas = { docsPerDay: 250, mailRecipientsPerDay: 100 };
  private usage: DailyUsage = { day: '', docsCreated: 0, mailRecipients: 0 };
  /** Today's usage (a new calendar day in tz starts from zero). */
  daily(): DailyUsage {
    const day = formatDate(new Date(this.now()), this.tz, 'yyyy-MM-dd');
    if (day !== this.usage.day) this.usage = { day, docsCreated: 0, mailRecipients: 0 };
    return this.usage;
  }
  /** Use n of a daily quota, or throw Apps Script's error (using nothing) when fewer are left. */
  useDaily(kind: 'docsCreated' | 'mailRecipients', n: number) {
    const u = this.daily();
    const docs = kind === 'docsCreated';
    if (u[kind] + n > (docs ? this.quotas.docsPerDay : this.quotas.mailRecipientsPerDay)) {
      throw new Error(`Service invoked too many times for one day: ${docs ? 'docs create' : 'email'}.`);
    }
    u[kind] += n;
  }

  /** The range last activated (Range.activate / Sheet.activate). */
  active: { sheet: string; row: number; column: number } | null = null;
  owner = 'owner@example.com';
  /** LockService.getDocumentLock() is one lock per document, whoever asks. */
  documentLocked = false;
  /** Document Properties live with the document. */
  properties = new Map<string, string>();
  /** The spreadsheet's id (Spreadsheet.getId()); installed triggers name their document by it. */
  readonly id = `SS${++spreadsheetSeq}`;
  /** The add-on's project: its triggers span every document of every user (see FakeScriptProject). */
  project: FakeScriptProject;
  /** This document's installed triggers, of any user. */
  get triggers(): FakeTrigger[] { return this.project.triggers.filter((t) => t.doc === this.id); }
  constructor(public tz = 'Europe/Berlin', public locale = 'de_DE', opts: { startMs?: number; project?: FakeScriptProject } = {}) {
    this.startMs = opts.startMs ?? Date.now();
    this.project = opts.project ?? new FakeScriptProject();
  }
  getId() { return this.id; }
  getSheetByName(n: string) { return this.sheets.get(n) ?? null; }
  insertSheet(n: string) {
    const s = new FakeSheet(n, this);
    this.sheets.set(n, s);
    return s;
  }
  getSpreadsheetTimeZone() { return this.tz; }
  getSpreadsheetLocale() { return this.locale; }
  /** Fill a sheet as a user would type it (strings parsed like Sheets input). */
  seed(name: string, rows: unknown[][]) {
    const s = this.getSheetByName(name) ?? this.insertSheet(name);
    if (rows.length) s.getRange(1, 1, rows.length, Math.max(...rows.map((r) => r.length))).setValues(rows.map((r) => [...r, ...new Array(Math.max(...rows.map((x) => x.length)) - r.length).fill('')]));
  }
}

const triggerObject = (t: FakeTrigger) => ({ getHandlerFunction: () => t.handler, getUniqueId: () => t.id, getTriggerSourceId: () => t.doc });

/** A global object for node:vm with the services the bundle touches. */
/**
 * `user` is who is signed in; `effectiveUser` whom the script runs as (default the same). An
 * installable trigger runs as its owner while Session.getActiveUser() is often '' (another domain,
 * consumer accounts): pass ('', owner).
 */
export function gasGlobals(ss: FakeSpreadsheet, user = 'admin@example.com', htmlFiles: string[] = ['Sidebar'], effectiveUser = user) {
  const alerts: string[] = [];
  const sidebars: { title: string; file: string; appended: string }[] = [];
  const props = ss.properties;
  const project = ss.project;
  /** Functions of the items under Extensions → <add-on>, in order (submenus flattened). */
  const menus: string[] = [];
  /** Every menu put into the UI, by kind: 'addon' (createAddonMenu) or 'custom' (createMenu(name)). */
  const menuBars: { kind: 'addon' | 'custom'; name: string; items: string[] }[] = [];
  const services = gasServices(ss);
  type FakeMenu = { addItem(caption: string, fn: string): FakeMenu; addSeparator(): FakeMenu; addSubMenu(m: FakeMenu): FakeMenu; addToUi(): void; _items: string[] };
  const menu = (kind: 'addon' | 'custom', name: string): FakeMenu => {
    const m: FakeMenu = {
      _items: [],
      addItem: (_caption, fn) => (m._items.push(fn), m),
      addSeparator: () => m,
      // A submenu is made with createMenu(name) and never added to the UI itself.
      addSubMenu: (sub) => (m._items.push(...sub._items), m),
      addToUi: () => {
        menuBars.push({ kind, name, items: [...m._items] });
        // An editor add-on's menu is createAddonMenu's, under Extensions → <add-on name>; createMenu
        // is a bound script's top-level menu, so its items are not counted as the add-on's menu.
        if (kind === 'addon') menus.push(...m._items);
      },
    };
    return m;
  };
  const ui = {
    createMenu: (name: string) => menu('custom', name),
    createAddonMenu: () => menu('addon', ''),
    alert: (msg: string) => alerts.push(msg),
    showSidebar: (html: { title: string; file: string; appended: string }) => sidebars.push(html),
  };
  return {
    alerts, menus, menuBars, sidebars,
    globals: {
      SpreadsheetApp: {
        getActive: () => ss, getUi: () => ui, flush: () => undefined,
        ProtectionType: { SHEET: 'SHEET', RANGE: 'RANGE' },
        newDataValidation: () => {
          const rule = { values: [] as string[] };
          const b = {
            requireValueInList: (values: string[]) => ((rule.values = values), b),
            setAllowInvalid: () => b, setHelpText: () => b, build: () => rule,
          };
          return b;
        },
      },
      Utilities: {
        DigestAlgorithm: { SHA_256: 'SHA_256' },
        Charset: { UTF_8: 'UTF_8' },
        /** Bytes as Java gives them: signed. */
        base64Decode: (b64: string) => [...Buffer.from(b64, 'base64')].map((b) => (b > 127 ? b - 256 : b)),
        computeDigest: (_alg: string, text: string) => [...createHash('sha256').update(text, 'utf8').digest()].map((b) => (b > 127 ? b - 256 : b)),
        formatDate,
        newBlob: services.newBlob,
        /** Sleeping spends execution time and moves the simulated clock. */
        sleep: (ms: number) => ss.chargeMs(ms),
      },
      DriveApp: services.DriveApp,
      DocumentApp: services.DocumentApp,
      MailApp: services.MailApp,
      /** new Date() and Date.now() follow ss.now(). */
      Date: services.Date,
      LockService: {
        getDocumentLock: () => ({
          // One lock per document, shared by every user's execution.
          tryLock: () => (ss.documentLocked ? false : (ss.documentLocked = true)),
          releaseLock: () => { ss.documentLocked = false; },
        }),
      },
      Session: { getActiveUser: () => ({ getEmail: () => user }), getEffectiveUser: () => ({ getEmail: () => effectiveUser }) },
      HtmlService: {
        // Apps Script fails when the project has no such HTML file: the fake knows the bundle's files.
        createHtmlOutputFromFile: (file: string) => {
          if (!htmlFiles.includes(file)) throw new Error(`Exception: No HTML file named ${file} was found.`);
          const out = { title: '', file, appended: '', setTitle: (t: string) => ((out.title = t), out), append: (html: string) => ((out.appended += html), out) };
          return out;
        },
      },
      PropertiesService: {
        getDocumentProperties: () => ({
          getProperty: (k: string) => props.get(k) ?? null,
          setProperty: (k: string, v: string) => {
            // Properties: 9 KB a value, 500 KB a store.
            if (k.length + v.length > 9 * 1024) throw new Error('Exception: Argument too large: value');
            props.set(k, v);
            if ([...props].reduce((n, [a, b]) => n + a.length + b.length, 0) > 500 * 1024) throw new Error('Exception: You have exceeded the property storage quota.');
          },
          deleteProperty: (k: string) => void props.delete(k),
        }),
      },
      ScriptApp: {
        // Installed triggers belong to the user the script runs as and to one document. getProjectTriggers
        // is that user's triggers of this project in EVERY document; getUserTriggers(doc) only that document's.
        getProjectTriggers: () => project.triggers.filter((t) => t.user === effectiveUser).map(triggerObject),
        getUserTriggers: (doc: FakeSpreadsheet) => {
          if (!(doc instanceof FakeSpreadsheet)) throw new Error('Exception: Invalid argument: document');
          return project.triggers.filter((t) => t.user === effectiveUser && t.doc === doc.id).map(triggerObject);
        },
        newTrigger: (handler: string) => {
          const b = {
            timeBased: () => b,
            everyHours: (n: number) => {
              // Add-ons: time-driven triggers fire at most hourly, one per user and document.
              if (n < 1) throw new Error('Exception: Add-ons may not create triggers that run more often than once per hour.');
              return b;
            },
            // An add-on's trigger is bound to the document it was created in and to the user.
            create: () => {
              if (ss.triggers.some((t) => t.user === effectiveUser)) throw new Error('Exception: This add-on has created too many time-based triggers in this document for this Google user account.');
              const t: FakeTrigger = { handler, user: effectiveUser, doc: ss.id, id: project.nextTriggerId() };
              project.triggers.push(t);
              return triggerObject(t);
            },
          };
          return b;
        },
        deleteTrigger: (t: { getUniqueId(): string }) => {
          const i = project.triggers.findIndex((x) => x.id === t.getUniqueId());
          if (i >= 0) project.triggers.splice(i, 1);
        },
      },
    },
  };
}
