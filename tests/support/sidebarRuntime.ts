// What stands behind the sidebar outside Google: the built add-on (dist/Code.js on the strict fakes)
// answering google.script.run, one execution per call, the result crossing as google.script.run lets
// it (a Date fails the call). Shared by the jsdom tests (tests/gas/sidebar.test.ts), the local preview
// (tests/support/sidebarPreview.ts, `npm run sidebar`) and the browser tests (tests/browser).
import { coreDemoRows } from '../../sheets-templates/demoData';
import type { TableName } from '../../src/core/schema';
import type { ServerApi } from '../../src/gas/serverApi';
import { FakeSpreadsheet } from './gasFakes';
import { addOn, seedTable } from './gasHarness';
import { acrossScriptRun } from './scriptRun';

export type AddOn = ReturnType<typeof addOn>;

/** One call as the sidebar sent it (arguments after crossing as JSON). */
export interface ScriptCall {
  name: string;
  args: unknown[];
}

/**
 * google.script.run's server side for one user: `names` are the functions the browser may call (the
 * server object's, as Apps Script exposes them), `run` does one call as its own execution and returns
 * what the browser receives, or throws the error the call fails with. `answers` replaces a server
 * function's answer where a test needs one the real server cannot give (typed by ServerApi).
 */
export function scriptRunServer(addon: AddOn, answers: Partial<ServerApi> = {}) {
  const server = addon.ctx.__billing.server as ServerApi;
  const names = Object.keys(server).sort();
  const log: ScriptCall[] = [];
  const replaced = answers as Record<string, (...a: unknown[]) => unknown>;
  const run = (name: string, args: unknown[]): unknown => {
    if (!Object.prototype.hasOwnProperty.call(server, name)) throw new Error(`google.script.run: ${name} is not a server function`);
    const sent = JSON.parse(JSON.stringify(args)) as unknown[];
    log.push({ name, args: sent });
    return acrossScriptRun(replaced[name] ? replaced[name](...sent) : addon.exec(name, ...sent));
  };
  return { names, run, log };
}

/**
 * A slow spreadsheet: every clock read of the server costs `ms` of simulated time, so that a run's
 * or a send's ~20 s slices end after a draft or two (the server's own slicing, not the test's).
 * Returns the way back to normal speed.
 */
export function slowClock(addon: AddOn, ss: FakeSpreadsheet, ms: number) {
  const ctx = addon.ctx;
  const D = ctx.Date;
  ctx.Date = new Proxy(D, {
    construct(T, args) {
      if (!args.length) ss.chargeMs(ms);
      return Reflect.construct(T, args, T);
    },
    get(T, k) {
      return k === 'now' ? () => (ss.chargeMs(ms), T.now()) : Reflect.get(T, k);
    },
  });
  return () => {
    ctx.Date = D;
  };
}

/** The demo's owner, the user of the preview. */
export const DEMO_USER = 'you@example.com';
/** 1 December 2026: the sidebar offers November, the month the demo data bills. */
export const DEMO_NOW = Date.parse('2026-12-01T09:00:00Z');

/**
 * The demo workbook (sheets-templates/demoData.ts, the 8 hand-checked customers and two companies)
 * as a spreadsheet the user typed, set up by its owner like the gas tests do; nobody is named in
 * Billing Admins, so the owner may do everything.
 */
export function demoWorkbook(opts: { now?: number; owner?: string } = {}): FakeSpreadsheet {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: opts.now ?? DEMO_NOW });
  ss.owner = opts.owner ?? DEMO_USER;
  for (const [name, rows] of Object.entries(coreDemoRows())) {
    // The demo's cells are text and numbers (no Date): seeded as typed.
    seedTable(ss, name as TableName, rows ?? []);
  }
  addOn(ss, ss.owner).exec('setupBillingSheets');
  return ss;
}
