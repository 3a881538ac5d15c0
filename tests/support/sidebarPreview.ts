// The built sidebar (dist/Sidebar.html) served on 127.0.0.1 against the built add-on on the fakes:
// `npm run sidebar` for a person with a browser, tests/browser for playwright. The page gets a
// stand-in google.script.run defining exactly the server object's functions (as Apps Script does);
// each call is POSTed here and runs as one execution of dist/Code.js (tests/support/sidebarRuntime.ts).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ServerApi } from '../../src/gas/serverApi';
import type { FakeSpreadsheet } from './gasFakes';
import { addOn } from './gasHarness';
import { type AddOn, DEMO_USER, demoWorkbook, type ScriptCall, scriptRunServer } from './sidebarRuntime';

const SIDEBAR = join(__dirname, '../../dist/Sidebar.html');

/** The column mapping of the CSV export the receivables demo's bank writes (Settings, Bank CSV Columns). */
export const DEMO_CSV_COLUMNS = 'date=Buchungstag; amount=Betrag; reference=Verwendungszweck; name=Beguenstigter/Zahlungspflichtiger; iban=IBAN';

/** Writes cells of a sheet by header as its owner typed them: `rows` maps the row's id (first column) to header → value. */
function typeInto(ss: FakeSpreadsheet, name: string, rows: Record<string, Record<string, string>>): void {
  ss.as(ss.owner, () => {
    const sheet = ss.getSheetByName(name)!;
    const header = sheet.cells[0].map(String);
    sheet.cells.forEach((row, i) => {
      const values = rows[String(row[0])];
      if (!i || !values) return;
      for (const [h, v] of Object.entries(values)) sheet.getRange(i + 1, header.indexOf(h) + 1, 1, 1).setValues([[v]]);
    });
  });
}

/**
 * The demo workbook for the cash side: two German-company customers pay by SEPA direct debit
 * (ACC-001 and ACC-002, with mandates), ACC-006 too but with an IBAN the collection refuses (its
 * row is named), and the bank's CSV columns in Settings. With `billed`, November is run and
 * finalized by the owner (invoices of 2026-12-01, due 2026-12-15), as the payments, open items and
 * collection flows start.
 */
export function receivablesDemo(opts: { billed?: boolean } = {}): FakeSpreadsheet {
  const ss = demoWorkbook();
  typeInto(ss, 'Settings', { DE: { 'Bank CSV Columns': DEMO_CSV_COLUMNS } });
  const debit = (iban: string, mandate: string) => ({ 'Payment Method': 'direct_debit', IBAN: iban, 'Mandate Reference': mandate, 'Mandate Date': '2025-06-01' });
  typeInto(ss, 'Accounts', {
    'ACC-001': debit('DE02120300000000202051', 'MANDATE-ACC-001'),
    'ACC-002': debit('AT611904300234573201', 'MANDATE-ACC-002'),
    'ACC-006': debit('DE00123', 'MANDATE-ACC-006'),
  });
  if (opts.billed) {
    const owner = addOn(ss, ss.owner);
    let report = owner.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    while (!report.done) report = owner.exec('continueRun', report.runId);
    const fin = owner.exec('finalizeInvoices', {});
    if (fin.failed.length) throw new Error(`receivablesDemo: not finalized: ${JSON.stringify(fin.failed)}`);
  }
  return ss;
}

/** The browser's half of google.script.run: asynchronous, arguments as JSON, a failure as an Error. */
function standIn(names: string[]): string {
  return `<script>
(function () {
  var names = ${JSON.stringify(names)};
  function runner(ok, fail) {
    var r = {
      withSuccessHandler: function (f) { return runner(f, fail); },
      withFailureHandler: function (f) { return runner(ok, f); },
    };
    names.forEach(function (name) {
      r[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        fetch('/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: name, args: args }) })
          .then(function (res) { return res.json(); })
          .then(function (answer) {
            if ('error' in answer) { if (fail) fail(new Error(answer.error)); }
            else if (ok) ok(answer.value);
          }, function (e) { if (fail) fail(new Error('The preview server did not answer: ' + e.message)); });
      };
    });
    return r;
  }
  window.google = { script: { run: runner() } };
})();
</script>`;
}

export interface Preview {
  url: string;
  ss: FakeSpreadsheet;
  /** The add-on as the user; replace `exec` to watch or slow a call. */
  addon: AddOn;
  /** Every call the page made, in order. */
  log: ScriptCall[];
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Serves the sidebar as `user` of `ss` (default: the demo workbook and its owner) on 127.0.0.1:`port`
 * (0: any free port). GET / is the sidebar, POST /run one google.script.run call, GET /drive/<id> a
 * file of the fake Drive (the PDFs and previews the add-on made).
 */
export async function startPreview(opts: { ss?: FakeSpreadsheet; user?: string; port?: number; answers?: Partial<ServerApi> } = {}): Promise<Preview> {
  const ss = opts.ss ?? demoWorkbook();
  const addon = addOn(ss, opts.user ?? ss.owner ?? DEMO_USER);
  const server = scriptRunServer(addon, opts.answers);
  const page = () => readFileSync(SIDEBAR, 'utf8').replace('<head>', `<head>\n${standIn(server.names)}`);
  const send = (res: ServerResponse, status: number, type: string, data: string | Buffer) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(data);
  };
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/Sidebar.html')) return send(res, 200, 'text/html; charset=utf-8', page());
    if (req.method === 'POST' && path === '/run') {
      body(req)
        .then((text) => {
          const { name, args } = JSON.parse(text) as { name: string; args: unknown[] };
          let answer: { value: unknown } | { error: string };
          try {
            answer = { value: server.run(name, args ?? []) };
          } catch (e) {
            answer = { error: (e as Error).message };
          }
          send(res, 200, 'application/json', JSON.stringify(answer));
        })
        .catch((e: Error) => send(res, 400, 'text/plain', e.message));
      return;
    }
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    const file = /^\/drive\/([\w-]+)$/.exec(path);
    const blob = file ? ss.drive.items.get(file[1])?.blob : undefined;
    if (req.method === 'GET' && blob) return send(res, 200, blob.getContentType() ?? 'application/octet-stream', Buffer.from(blob.getBytes()));
    send(res, 404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    ss,
    addon,
    log: server.log,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}
