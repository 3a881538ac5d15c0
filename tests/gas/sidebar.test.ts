// The built sidebar (dist/Sidebar.html) in a DOM (jsdom), its google.script.run answered by the
// built add-on (dist/Code.js in node:vm on the strict fakes): each call is one execution of the same
// server function Apps Script would run, and its result crosses as google.script.run lets it (a
// Date fails the call). The stand-in refuses any name the server object (src/gas/server.ts) lacks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import type { ServerApi } from '../../src/gas/serverApi';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { einvoiceDir } from '../support/einvoiceValidation';
import { DE_TENANT, TAX_RULES, account, item, oneInvoiceDoc, oneTenant, product, subscription } from '../support/fixtures';
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf, seedTable } from '../support/gasHarness';
import { scriptRunServer, slowClock } from '../support/sidebarRuntime';

const html = readFileSync(join(__dirname, '../../dist/Sidebar.html'), 'utf8');

const USER = 'tester@example.com';
const BOSS = 'boss@example.com';
const CLERK = 'clerk@example.com';
const NOV_30 = Date.parse('2026-11-30T12:00:00Z');

/** Calls of names the server object does not define, by any sidebar of a test (checked after each). */
let refused: string[] = [];
afterEach(() => {
  expect(refused).toEqual([]);
  refused = [];
});

/**
 * The sidebar as `user`, served by the built add-on. `answers` replaces a server function's answer
 * only where the real server cannot give the one tested (a broken or hostile reply); it is typed by
 * ServerApi, so its shape follows the server's. `log` records every call with its arguments as sent.
 */
function sidebar(ss: FakeSpreadsheet, opts: { user?: string; answers?: Partial<ServerApi>; appended?: string } = {}) {
  const addon = addOn(ss, opts.user ?? USER);
  const server = scriptRunServer(addon, opts.answers);
  const calls: string[] = [];
  const dom = new JSDOM(html + (opts.appended ?? ''), {
    runScripts: 'dangerously',
    beforeParse(window: any) {
      // Like google.script.run: asynchronous; arguments cross as JSON, and a result holding a Date fails the call.
      const runner = (ok?: (v: unknown) => void, fail?: (e: Error) => void): any =>
        new Proxy(
          {},
          {
            get(_t, name: string) {
              if (name === 'withSuccessHandler') return (f: (v: unknown) => void) => runner(f, fail);
              if (name === 'withFailureHandler') return (f: (e: Error) => void) => runner(ok, f);
              // Only the server object's functions: anything else is a sidebar calling what does not exist.
              if (!server.names.includes(name)) {
                refused.push(name);
                return undefined;
              }
              return (...args: unknown[]) => {
                // A sidebar calling again and again without end fails the test instead of hanging it.
                if (calls.length >= 100) throw new Error(`the sidebar made 100 calls; the last: ${calls.slice(-5)}`);
                calls.push(name);
                const sent = JSON.parse(JSON.stringify(args)) as unknown[];
                setTimeout(() => {
                  try {
                    ok?.(server.run(name, sent));
                  } catch (e) {
                    fail?.(new window.Error((e as Error).message));
                  }
                }, 0);
              };
            },
          },
        );
      window.google = { script: { run: runner() } };
    },
  });
  return { dom, win: dom.window as any, doc: dom.window.document, calls, log: server.log, addon };
}

const byId = <T extends HTMLElement = HTMLElement>(doc: Document, id: string) => doc.getElementById(id) as T;
const textOf = (doc: Document, id: string) => doc.getElementById(id)!.textContent!;
/** An item's text without its buttons: the spans and further lines, joined by " | ". */
const rowText = (li: Element) =>
  [...li.children]
    .filter((c) => c.tagName === 'SPAN' || c.tagName === 'LABEL' || c.classList.contains('line'))
    .map((c) => c.textContent)
    .join(' | ');
const button = (doc: Document, name: string) => {
  const b = [...doc.querySelectorAll('button')].find((x) => (x.getAttribute('aria-label') ?? x.textContent) === name);
  if (!b) throw new Error(`no button named "${name}"`);
  return b as HTMLButtonElement;
};

async function until(check: () => boolean, tries = 400) {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out: ${check.toString()}`);
}

/** A cell of a sheet, by header and data row (1 = the first row under the header). */
function setCell(ss: FakeSpreadsheet, sheet: string, row: number, header: string, value: string) {
  const cells = ss.getSheetByName(sheet)!.cells;
  cells[row][cells[0].indexOf(header)] = value;
}

/**
 * Three customers (A1's name is HTML), a VIP filter, one product at 10.00 + 19 %; set up by USER,
 * the documents owner. Nobody is named in Billing Admins unless `admins` says so.
 */
function workbook(opts: { now?: number; admins?: string; owner?: string; exportRule?: boolean; accounts?: Record<string, string>[]; emails?: Record<string, string> } = {}) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: opts.now ?? NOV_30 });
  ss.owner = opts.owner ?? USER;
  const accounts = opts.accounts ?? [account('A1', { name: 'Müller <b>& Co</b>' }), account('A2'), account('A3')];
  seedTable(ss, 'Settings', [{ ...DE_TENANT, email: 'billing@muster.example', billingAdmins: opts.admins ?? '' }]);
  seedTable(
    ss,
    'TaxRules',
    TAX_RULES.filter((r) => opts.exportRule !== false || r.ruleId !== 'DE-EXPORT'),
  );
  seedTable(ss, 'Products', [product('P1', '10.00')]);
  seedTable(ss, 'Accounts', accounts);
  seedTable(
    ss,
    'Contacts',
    accounts.map((a) => ({ contactId: `C-${a.accountId}`, accountId: a.accountId, email: opts.emails?.[a.accountId] ?? `${a.accountId.toLowerCase()}@kunde.example`, role: 'invoice' })),
  );
  seedTable(
    ss,
    'Subscriptions',
    accounts.map((a, i) => subscription(`S${i + 1}`, a.accountId, i % 2 === 0 ? { tag: 'vip' } : {})),
  );
  seedTable(
    ss,
    'Items',
    accounts.map((_, i) => item(`I${i + 1}`, `S${i + 1}`, 'P1')),
  );
  seedTable(ss, 'Filters', [{ name: 'VIP', appliesTo: 'Subscriptions', column: 'Tag', operator: 'equals', value: 'vip' }]);
  addOn(ss, ss.owner).exec('setupBillingSheets');
  return ss;
}

const NOVEMBER = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };

/** November's invoices finalized by the server: INV-2026-00001 … */
function finalizedWorkbook(opts: Parameters<typeof workbook>[0] = {}) {
  const ss = workbook(opts);
  const admin = addOn(ss, USER);
  admin.exec('runInvoicing', NOVEMBER);
  const numbers = admin.exec('finalizeInvoices', {}).invoices.map((i: { number: string }) => i.number);
  expect(numbers).toEqual(rowsOf(ss, 'Accounts').map((_, i) => `INV-2026-0000${i + 1}`));
  return ss;
}

/** Answers the in-sidebar confirmation once it shows: OK (true) or Cancel; returns its question. */
async function confirmed(doc: Document, ok = true) {
  await until(() => !byId(doc, 'confirmBox').hidden);
  const question = textOf(doc, 'confirmText');
  byId(doc, ok ? 'confirmOk' : 'confirmCancel').click();
  return question;
}

async function started(doc: Document) {
  await until(() => /Next run/.test(textOf(doc, 'nextRun')) && doc.querySelectorAll('input[name=filter]').length > 0);
}

describe('sidebar', () => {
  it('is one self-contained file: no external scripts, styles or CDNs, every control labelled, server data as text only', () => {
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    const dom = new JSDOM(html);
    const controls = [...dom.window.document.querySelectorAll('input, select')];
    expect(controls.filter((el) => !dom.window.document.querySelector(`label[for="${el.id}"]`)).map((el) => el.id)).toEqual([]);
    expect(controls.map((c) => c.id)).toEqual(
      expect.arrayContaining(['ccInvoice', 'ccReason', 'ccAmount', 'ccRelease', 'schedDay', 'schedHour', 'schedAutoFinalize', 'schedAutoSend', 'schedEnabled']),
    );
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('calls only functions the server object defines, and the add-on exposes each of them to google.script.run', () => {
    const { ctx } = addOn(new FakeSpreadsheet());
    const server = Object.keys(ctx.__billing.server);
    const called = [...new Set([...html.matchAll(/\bcall\(\s*["'](\w+)["']/g)].map((m) => m[1]))].sort();
    // Every call in the bundle names its function as a literal: at least the 15 the panels use today.
    expect(called.length).toBeGreaterThanOrEqual(15);
    expect(called.filter((n) => !server.includes(n))).toEqual([]);
    expect(server.filter((n) => typeof ctx[n] !== 'function' || ctx.__billing[n] !== ctx.__billing.server[n])).toEqual([]);
  });

  it('reads picked XML files and Factur-X PDFs into Received, in calls of at most about 4 MB', async () => {
    const ss = workbook();
    const examples = join(einvoiceDir(), 'examples');
    const big = readFileSync(join(examples, 'ubl/FT_G2G_TD01_split_payment.xml'), 'utf8'); // 3.3 MB
    const small = readFileSync(join(examples, 'ubl/ubl-tc434-example2.xml'), 'utf8'); // not CII_example1's invoice in UBL
    const pdf = await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant, facturX: readFileSync(join(examples, 'cii/CII_example1.xml'), 'utf8') });
    const { win, doc, log } = sidebar(ss);
    await started(doc);
    const input = byId<HTMLInputElement>(doc, 'receiveFiles');
    const big2 = big.replace(/<cbc:ID>([^<]+)<\/cbc:ID>/, '<cbc:ID>$1-2</cbc:ID>');
    const picked = [
      new win.File([big], 'big.xml', { type: 'text/xml' }),
      new win.File([big2], 'big2.xml', { type: 'text/xml' }),
      new win.File([small], 'small.xml', { type: 'text/xml' }),
      new win.File([pdf], 'supplier.pdf', { type: 'application/pdf' }),
      new win.File(['hello'], 'note.xml', { type: 'text/xml' }),
    ];
    Object.defineProperty(input, 'files', { value: picked });
    button(doc, 'Read in').click();
    await until(() => /^Read \d/.test(textOf(doc, 'receiveStatus')), 4000);
    const sent = log.filter((c) => c.name === 'receiveInvoices').map((c) => (c.args[0] as { name: string }[]).map((f) => f.name));
    expect(sent).toEqual([['big.xml'], ['big2.xml', 'small.xml', 'supplier.pdf', 'note.xml']]);
    expect(textOf(doc, 'receiveStatus')).toBe('Read 4 into the Received sheet, 1 not e-invoices.');
    expect([...doc.querySelectorAll('#receiveResults li')].map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^big\.xml: /),
      expect.stringMatching(/^big2\.xml: /),
      expect.stringMatching(/^small\.xml: /),
      expect.stringMatching(/^supplier\.pdf: .*12115118/),
      expect.stringMatching(/^note\.xml: malformed XML/),
    ]);
    expect(rowsOf(ss, 'Received')).toHaveLength(4);
  });

  it('refuses a file too large to send from the sidebar, naming it, and sends nothing', async () => {
    const { win, doc, log } = sidebar(workbook());
    await started(doc);
    const huge = new win.File(['x'], 'scan.pdf', { type: 'application/pdf' });
    Object.defineProperty(huge, 'size', { value: 16_000_000 });
    Object.defineProperty(byId<HTMLInputElement>(doc, 'receiveFiles'), 'files', { value: [huge] });
    button(doc, 'Read in').click();
    await until(() => /scan\.pdf: too large/.test(doc.body.textContent ?? ''));
    expect(log.filter((c) => c.name === 'receiveInvoices')).toEqual([]);
  });

  it('the menu\'s "Read received e-invoices…" opens the sidebar at that panel', async () => {
    const ss = workbook();
    const menu = addOn(ss, USER);
    menu.exec('menuReceiveInvoices');
    const { doc } = sidebar(ss, { appended: menu.sidebars[0].appended });
    await started(doc);
    expect([(doc.getElementById('receivePanel') as HTMLDetailsElement).open, (doc.getElementById('creditPanel') as HTMLDetailsElement).open]).toEqual([true, false]);
  });

  it.each([
    ['menuPayments', 'paymentsPanel', 'listPayments'],
    ['menuOpenItems', 'openItemsPanel', 'openItems'],
    ['menuCollect', 'collectPanel', ''],
  ])('the menu item %s opens the sidebar with %s open, the others closed, and its list loaded (%s)', async (fn, panel, loads) => {
    const ss = workbook();
    const menu = addOn(ss, USER);
    menu.exec(fn);
    const { doc, calls } = sidebar(ss, { appended: menu.sidebars[0].appended });
    await started(doc);
    const open = ['receivePanel', 'paymentsPanel', 'openItemsPanel', 'collectPanel'].filter((id) => (doc.getElementById(id) as HTMLDetailsElement).open);
    expect(open).toEqual([panel]);
    if (loads) await until(() => calls.includes(loads));
  });

  it("offers the sheet's filters and last month, runs in slices until done, and shows drafts as text", async () => {
    const ss = workbook();
    const { doc, calls, addon } = sidebar(ss);
    await until(() => doc.querySelectorAll('input[name=filter]').length > 0);
    expect((doc.getElementById('month') as HTMLInputElement).value).toBe('2026-10');
    // One filter: it is preselected.
    expect([...doc.querySelectorAll<HTMLInputElement>('input[name=filter]')].map((i) => [i.value, i.checked])).toEqual([
      ['', false],
      ['VIP', true],
    ]);
    (doc.getElementById('month') as HTMLInputElement).value = '2026-11';
    (doc.querySelector('input[name=filter][value=""]') as HTMLInputElement).checked = true;
    const fast = slowClock(addon, ss, 12_000);
    (doc.getElementById('start') as HTMLButtonElement).click();
    await until(() => /done/.test(doc.getElementById('status')!.textContent!), 2000);
    fast();
    expect(calls.filter((c) => c === 'continueRun').length).toBeGreaterThan(0);
    const items = [...doc.querySelectorAll('#drafts li')].map(rowText);
    // Amounts as the company writes them (German: 11,90), every name as text.
    expect(items).toEqual(['Müller <b>& Co</b> | 11,90 EUR', 'Customer A2 | 11,90 EUR', 'Customer A3 | 11,90 EUR']);
    expect(doc.querySelector('#drafts b')).toBeNull();
    expect(textOf(doc, 'draftTotals')).toBe('Total payable: 35,70 EUR');
    expect(doc.getElementById('status')!.textContent).toBe('Run R-000001 done: 3 drafts, 0 rows with errors, 0 subscriptions failed.');
    expect((doc.getElementById('progress') as HTMLProgressElement).value).toBe(3);

    (doc.getElementById('finalize') as HTMLButtonElement).click();
    expect(await confirmed(doc)).toBe('Finalize 3 invoices?');
    await until(() => /Documents: \d+ of \d+ made/.test(doc.getElementById('workStatus')!.textContent!), 2000);
    expect(doc.getElementById('workStatus')!.textContent).toBe('Finalized 3 invoices. Documents: 3 of 3 made.');
    expect(rowsOf(ss, 'Invoices').map((i) => i['PDF URL'])).toEqual(Array(3).fill(expect.stringMatching(/^https:\/\/drive\.google\.com\/file\/d\/[^/]+\/view$/)));
    (doc.getElementById('verify') as HTMLButtonElement).click();
    await until(() => /Ledger/.test(doc.getElementById('workStatus')!.textContent!));
    expect(doc.getElementById('workStatus')!.textContent).toBe('Ledger intact: 3 finalized invoices checked.');
  });

  it('promises nothing of an hourly trigger that is not on: an editor is told which billing admins can turn it on, an admin is offered to', async () => {
    const ss = workbook({ owner: BOSS, admins: BOSS });
    ss.share(CLERK, 'edit');
    const clerk = sidebar(ss, { user: CLERK });
    await until(() => /Hourly trigger/.test(textOf(clerk.doc, 'overview')));
    expect([...clerk.doc.querySelectorAll('#overview li')].map(rowText)).toEqual([
      'Nothing waits: no drafts, and every finalized invoice has its documents and is sent.',
      'Hourly trigger: off, so nothing happens unless someone presses a button here. A billing admin (boss@example.com) can turn it on.',
    ]);
    const boss = sidebar(ss, { user: BOSS });
    await until(() => /Hourly trigger/.test(textOf(boss.doc, 'overview')));
    expect(rowText(boss.doc.querySelectorAll('#overview li')[1])).toBe('Hourly trigger: off, so nothing happens unless someone presses a button here. You can turn it on (Schedule).');
    addOn(ss, BOSS).exec('saveScheduleSettings', { dayOfMonth: 3, hour: 7, autoFinalize: false, autoSend: false, enabled: true });
    const later = sidebar(ss, { user: CLERK });
    await until(() => /Hourly trigger/.test(textOf(later.doc, 'overview')));
    expect(rowText(later.doc.querySelectorAll('#overview li')[1])).toBe('Hourly trigger: on (run by boss@example.com): it continues cut runs, makes missing documents and sends queued mail.');
  });

  it("tells an editor who is not an admin what their role means, and shows a queued run's message instead of drafts", async () => {
    // A clerk in a shared workbook: may edit the data sheets, not the engine's; the boss's hourly trigger is on.
    const ss = workbook({ owner: BOSS, admins: BOSS });
    ss.share(CLERK, 'edit');
    addOn(ss, BOSS).exec('saveScheduleSettings', { dayOfMonth: 3, hour: 7, autoFinalize: false, autoSend: false, enabled: true });
    const { doc, calls } = sidebar(ss, { user: CLERK });
    await until(() => !doc.getElementById('access')!.hidden);
    expect(doc.getElementById('access')!.textContent).toBe(
      'Only the billing admins (boss@example.com) finalize, send and change the ledger. An invoice run you start is queued for the hourly trigger (run by boss@example.com) and done within the hour.',
    );
    await until(() => doc.querySelectorAll('input[name=filter]').length > 0);
    (doc.getElementById('start') as HTMLButtonElement).click();
    await until(() => /queued/.test(doc.getElementById('status')!.textContent!));
    expect(doc.getElementById('status')!.textContent).toBe(
      'Invoice runs write the billing sheets, which only the billing admins may change. Your invoice run is queued: the hourly trigger (run by boss@example.com) does it within the hour; the Log sheet shows it when done.',
    );
    expect([calls.includes('continueRun'), doc.querySelectorAll('#drafts li').length, (doc.getElementById('start') as HTMLButtonElement).disabled]).toEqual([false, 0, false]);
    const requests = JSON.parse(ss.properties.get('billing.requests') ?? '[]') as { kind: string; by: string; run?: { periodStart: string } }[];
    expect(requests.map((r) => [r.kind, r.by, r.run?.periodStart])).toEqual([['run', CLERK, '2026-10-01']]);
  });

  it('runs the preselected filter, lists what failed with the reason, and shows server errors in plain words', async () => {
    // A3 is in Japan and the workbook has no export rule: S3 cannot be taxed.
    const ss = workbook({ exportRule: false, accounts: [account('A1', { name: 'Müller <b>& Co</b>' }), account('A2'), account('A3', { country: 'JP' })] });
    const { doc } = sidebar(ss);
    await until(() => doc.querySelectorAll('input[name=filter]').length > 0);
    (doc.getElementById('month') as HTMLInputElement).value = '2026-11';
    (doc.getElementById('start') as HTMLButtonElement).click();
    await until(() => /done/.test(doc.getElementById('status')!.textContent!));
    expect([...doc.querySelectorAll('#drafts li')].map(rowText)).toEqual(['Müller <b>& Co</b> | 11,90 EUR']);
    expect((doc.getElementById('failedBox') as HTMLElement).hidden).toBe(false);
    expect(doc.querySelector('#failed li')!.textContent).toMatch(/^S3: no tax rule for seller DE, buyer JP/);

    // A refusal of the server comes back as a readable message.
    setCell(ss, 'Settings', 1, 'Billing Admins', BOSS);
    (doc.getElementById('finalize') as HTMLButtonElement).click();
    await confirmed(doc);
    await until(() => (doc.getElementById('error') as HTMLElement).style.display === 'block');
    expect(doc.getElementById('error')!.textContent).toBe('Only the billing admins named in Settings (boss@example.com) may finalize invoices; you are signed in as tester@example.com.');
  });

  it("previews a draft in a new tab with a link as well, refuses a non-https address, and shows a draft's row", async () => {
    const ss = workbook();
    const answers: Partial<ServerApi> = {};
    const { doc, win, log } = sidebar(ss, { answers });
    const opened: unknown[][] = [];
    win.open = (...a: unknown[]) => {
      opened.push(a);
      return {};
    };
    await started(doc);
    byId<HTMLInputElement>(doc, 'month').value = '2026-11';
    byId(doc, 'start').click();
    await until(() => /done/.test(textOf(doc, 'status')));

    button(doc, 'Preview draft I-000002').click();
    await until(() => opened.length > 0);
    expect(log.filter((c) => c.name === 'previewDraft').map((c) => c.args)).toEqual([['I-000002']]);
    const url = opened[0][0] as string;
    expect(opened).toEqual([[expect.stringMatching(/^https:\/\/drive\.google\.com\/file\/d\/[^/]+\/view$/), '_blank']]);
    const link = doc.querySelector('#status a') as HTMLAnchorElement;
    expect([link.href, link.target, link.rel, link.textContent]).toEqual([url, '_blank', 'noopener', 'Open the preview of I-000002']);
    expect(textOf(doc, 'status')).toBe('Preview of draft I-000002 opened in a new tab. If it did not: Open the preview of I-000002');

    // Anything but https is neither opened nor linked (an answer the real server never gives).
    answers.previewDraft = (invoiceId) => ({ invoiceId, url: 'javascript:alert(1)' });
    button(doc, 'Preview draft I-000001').click();
    await until(() => byId(doc, 'error').style.display === 'block');
    expect(textOf(doc, 'error')).toBe('The preview of draft I-000001 did not come back as a secure (https) address, so it was not opened.');
    expect(opened).toHaveLength(1);
    expect([...doc.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([url]);

    // The preselected VIP filter: two drafts, each with its buttons.
    expect([...doc.querySelectorAll('#drafts li button')].map((b) => `${b.textContent}: ${b.getAttribute('aria-label')}`)).toEqual([
      'Preview: Preview draft I-000001',
      'Show row: Show row of draft I-000001',
      'Preview: Preview draft I-000002',
      'Show row: Show row of draft I-000002',
    ]);
    button(doc, 'Show row of draft I-000002').click();
    await until(() => log.some((c) => c.name === 'goToInvoice') && ss.active !== null);
    expect(log.filter((c) => c.name === 'goToInvoice').map((c) => c.args)).toEqual([['I-000002']]);
    // The server selected the draft's row: Invoices row 3 holds I-000002.
    expect(ss.active).toEqual({ sheet: 'Invoices', row: 3, column: 1 });
    expect(rowsOf(ss, 'Invoices')[1]['Invoice ID']).toBe('I-000002');
  });

  it('bills a period from – to instead of the month, and says in plain words what is missing or wrong', async () => {
    const { doc, log } = sidebar(workbook());
    await started(doc);
    const set = (id: string, v: string) => {
      byId<HTMLInputElement>(doc, id).value = v;
    };
    set('from', '2026-11-10');
    byId(doc, 'start').click();
    expect(textOf(doc, 'error')).toBe('Fill in both From and To, or clear them to bill the month.');
    set('to', '2026-11-01');
    byId(doc, 'start').click();
    expect(textOf(doc, 'error')).toBe('From (2026-11-10) is after To (2026-11-01).');
    expect(log.some((c) => c.name === 'runInvoicing')).toBe(false);
    set('to', '2026-11-20');
    byId(doc, 'start').click();
    await until(() => /done/.test(textOf(doc, 'status')));
    expect(textOf(doc, 'error')).toBe('');
    expect(log.find((c) => c.name === 'runInvoicing')!.args[0] as { periodStart: string; periodEnd: string }).toMatchObject({ periodStart: '2026-11-10', periodEnd: '2026-11-20' });
  });

  it('finalizes the selected drafts only, then makes their documents in slices until none remain', async () => {
    const ss = workbook();
    const { doc, log, addon } = sidebar(ss);
    await started(doc);
    byId<HTMLInputElement>(doc, 'month').value = '2026-11';
    (doc.querySelector('input[name=filter][value=""]') as HTMLInputElement).checked = true;
    byId(doc, 'start').click();
    await until(() => /done/.test(textOf(doc, 'status')));
    byId(doc, 'finalizeSelected').click();
    expect(textOf(doc, 'error')).toBe('Select the drafts to finalize first.');
    for (const id of ['I-000001', 'I-000003']) byId<HTMLInputElement>(doc, `pick-${id}`).checked = true;
    // Each checkbox is labelled by its draft's customer.
    expect(doc.querySelector('label[for="pick-I-000001"]')!.textContent).toBe('Müller <b>& Co</b>');
    const statuses: string[] = [];
    new (doc.defaultView as any).MutationObserver(() => statuses.push(textOf(doc, 'workStatus'))).observe(byId(doc, 'workStatus'), { childList: true, characterData: true, subtree: true });
    const fast = slowClock(addon, ss, 21_000); // past the ~20 s budget at the first check: one document a slice
    byId(doc, 'finalizeSelected').click();
    expect(await confirmed(doc)).toBe('Finalize 2 invoices?');
    await until(() => /Documents: \d+ of \d+ made/.test(textOf(doc, 'workStatus')), 2000);
    fast();
    expect(log.find((c) => c.name === 'finalizeInvoices')!.args).toEqual([{ invoiceIds: ['I-000001', 'I-000003'] }]);
    expect(rowsOf(ss, 'Invoices').map((i) => i.Status)).toEqual(['Open', 'Draft', 'Open']);
    expect(textOf(doc, 'workStatus')).toBe('Finalized 2 invoices. Documents: 2 of 2 made.');
    // One document a slice: the sidebar showed its progress and called again until none remained.
    expect(log.filter((c) => c.name === 'renderDocuments')).toHaveLength(2);
    expect(statuses.filter((t) => /Making documents: \d/.test(t)).map((t) => t.replace(/, (under a minute|about \d+ minutes?) left/, ''))).toEqual(['Finalized 2 invoices. Making documents: 1 of 2…']);
    expect(rowsOf(ss, 'Invoices').map((i) => Boolean(i['PDF URL']))).toEqual([true, false, true]);
    // The finalized drafts left the list; the other stays selectable.
    expect([...doc.querySelectorAll('input[name=pick]')].map((i) => (i as HTMLInputElement).value)).toEqual(['I-000002']);
  });

  it("when today's documents quota runs out, says how many wait and promises the hourly trigger only once it is on", async () => {
    const ss = workbook();
    addOn(ss, USER).exec('runInvoicing', NOVEMBER);
    ss.quotas.docsPerDay = 2; // the default template and one invoice today, not three
    const { doc } = sidebar(ss);
    await started(doc);
    await until(() => doc.querySelectorAll('input[name=pick]').length === 3);
    byId(doc, 'finalize').click();
    expect(await confirmed(doc)).toBe('Finalize 3 invoices?');
    await until(() => /Documents: \d+ of \d+ made/.test(textOf(doc, 'workStatus')), 2000);
    const made = rowsOf(ss, 'Invoices').filter((r) => r['PDF URL']).length;
    expect([made > 0, made < 3]).toEqual([true, true]);
    expect(textOf(doc, 'workStatus')).toBe(`Finalized 3 invoices. Documents: ${made} of 3 made. ${3 - made} wait for tomorrow's documents quota. No hourly trigger is on: see below.`);
    expect(textOf(doc, 'triggerText')).toBe('No hourly trigger is on, so nothing makes them by itself: press Send finalized invoices again tomorrow, or turn on the hourly trigger.');
    // Turned on from here: the schedule's hourly trigger, as this user.
    byId(doc, 'installTrigger').click();
    expect(await confirmed(doc)).toBe('Turn on the hourly trigger?');
    await until(() => /^The hourly trigger is on/.test(textOf(doc, 'triggerText')));
    expect(ss.triggers.map((t) => [t.handler, t.user])).toEqual([['onHourlyTrigger', USER]]);
    await until(() => /Hourly trigger: on/.test(textOf(doc, 'overview')));
    expect(byId(doc, 'installTrigger').hidden).toBe(true);
  });

  it('sends in slices until done, then shows sent, failed reasons as text, uncertain and queued invoices', async () => {
    const accounts = ['A1', 'A2', 'A3', 'A4', 'A5'].map((id) => account(id));
    const ss = finalizedWorkbook({ accounts, emails: { A2: '<img src=x onerror="alert(1)">' } });
    // INV-2026-00003's mail was handed over when an execution died: delivery uncertain.
    setCell(ss, 'Invoices', 3, 'Delivery', 'sending');
    // Today's mail quota: two recipients, so one of the three left to send waits for tomorrow.
    ss.quotas.mailRecipientsPerDay = 2;
    const statusAtCall: string[] = [];
    const { doc, log, addon } = sidebar(ss);
    await started(doc);
    const seen = addon.exec;
    addon.exec = ((fn: string, ...args: unknown[]) => {
      if (fn === 'sendInvoices') statusAtCall.push(textOf(doc, 'workStatus'));
      return seen(fn, ...args);
    }) as typeof seen;
    const fast = slowClock(addon, ss, 4_000);
    byId(doc, 'send').click();
    expect(await confirmed(doc)).toBe('Send 4 invoices?');
    expect(byId<HTMLButtonElement>(doc, 'stop').disabled).toBe(false);
    await until(() => /^Sent \d+ invoices?[.,]/.test(textOf(doc, 'workStatus')), 2000);
    fast();
    expect(log.filter((c) => c.name === 'sendInvoices').map((c) => c.args)).toEqual(statusAtCall.map(() => [{}]));
    // Later slices were asked for while the sidebar showed the progress of the earlier ones.
    expect(statusAtCall.length).toBeGreaterThan(1);
    expect(statusAtCall.filter((t, i) => (i === 0 ? t !== 'Sending…' : !/^Sending: \d+ of 4(, (under a minute|about \d+ minutes?) left)?…( \(\d+ PDFs? made\))?$/.test(t)))).toEqual([]);
    // No hourly trigger is on: the sidebar promises nothing and offers to turn it on.
    expect(textOf(doc, 'workStatus')).toBe(
      "Sent 2 invoices, 1 not sent, 1 with delivery uncertain. 1 invoice waits for tomorrow's mail quota (mail quota left today: 0). No hourly trigger is on: see below.",
    );
    expect([byId(doc, 'triggerBox').hidden, byId(doc, 'installTrigger').hidden]).toEqual([false, false]);
    expect(byId(doc, 'sendBox').hidden).toBe(false);
    expect([...doc.querySelectorAll('#sendList li')].map(rowText)).toEqual([
      expect.stringMatching(/^INV-2026-00002: Contacts row 3 \(C-A2\), column Email \(value "<img src=x onerror=.*alert\(1\).*>"\): not one email address/),
      'INV-2026-00003: delivery uncertain; check with the customer, then mark as sent or resend',
    ]);
    expect(doc.querySelector('img')).toBeNull();
    expect(byId<HTMLButtonElement>(doc, 'stop').disabled).toBe(true);
    expect(byId<HTMLButtonElement>(doc, 'send').disabled).toBe(false);
    button(doc, 'Show row of invoice INV-2026-00003').click();
    await until(() => ss.active !== null);
    expect(log.find((c) => c.name === 'goToInvoice')!.args).toEqual(['I-000003']);
    expect(ss.active).toEqual({ sheet: 'Invoices', row: 4, column: 1 });
    // The uncertain one: record it as sent after checking, or resend it explicitly.
    button(doc, 'Mark invoice INV-2026-00003 as sent').click();
    await until(() => /marked as sent/.test(rowText(doc.querySelectorAll('#sendList li')[1])));
    expect(log.find((c) => c.name === 'markInvoicesSent')!.args).toEqual([['I-000003']]);
    expect(textOf(doc, 'workStatus')).toMatch(/^Sent 2 invoices, 1 not sent, 1 marked as sent\. /);
    expect(rowsOf(ss, 'Invoices')[2]['Delivery']).toBe('sent');
    ss.advance(24 * 3600_000); // a new day's mail quota
    const mailed = ss.mail.sent.length;
    button(doc, 'Resend invoice INV-2026-00003').click();
    await until(() => /sent again/.test(rowText(doc.querySelectorAll('#sendList li')[1])));
    expect(textOf(doc, 'workStatus')).toMatch(/^Sent 3 invoices, 1 not sent\. /);
    expect(log.filter((c) => c.name === 'sendInvoices').pop()!.args).toEqual([{ invoiceIds: ['I-000003'], resend: true }]);
    expect(ss.mail.sent.slice(mailed).map((m) => m.recipients)).toEqual([['a3@kunde.example']]);
  });

  it('stops sending when Stop is pressed and says how to go on', async () => {
    const ss = finalizedWorkbook();
    const { doc, calls, addon } = sidebar(ss);
    await started(doc);
    const fast = slowClock(addon, ss, 12_000);
    byId(doc, 'send').click();
    await confirmed(doc);
    byId(doc, 'stop').click();
    await until(() => byId<HTMLButtonElement>(doc, 'send').disabled === false, 2000);
    fast();
    expect(calls.filter((c) => c === 'sendInvoices')).toHaveLength(1);
    const sent = rowsOf(ss, 'Invoices').filter((i) => i['Delivery'] === 'sent').length;
    expect(sent).toBeLessThan(3);
    expect(textOf(doc, 'workStatus')).toBe(`Sent ${sent} invoice${sent === 1 ? '' : 's'}. Stopped: Send finalized invoices again sends the rest.`);
    expect(byId(doc, 'sendBox').hidden).toBe(true);
  });

  it('cancels an invoice by its number after checking it and confirming: the credit note shows and the ledger has it Cancelled', async () => {
    const ss = finalizedWorkbook();
    const { doc, log } = sidebar(ss);
    await started(doc);
    byId<HTMLInputElement>(doc, 'ccInvoice').value = 'INV-2026-00002';
    byId<HTMLInputElement>(doc, 'ccReason').value = 'duplicate';
    byId<HTMLInputElement>(doc, 'ccRelease').checked = true;

    // Declined: the server was asked what the invoice is, nothing else.
    byId(doc, 'ccCancel').click();
    expect(await confirmed(doc, false)).toBe('Cancel invoice INV-2026-00002?');
    expect([...doc.querySelectorAll('#confirmFacts li')].map(rowText)).toEqual([
      'Invoice of 30.11.2026 to Customer A2',
      'Payable 11,90 EUR (net 10,00 EUR)',
      'Reason: duplicate',
      'A credit note for the whole invoice is issued. This cannot be undone.',
      'Its usage transactions are billed again by the next run.',
    ]);
    expect(textOf(doc, 'ccInfo')).toMatch(
      /^Invoice INV-2026-00002 of 30\.11\.2026 to Customer A2: payable 11,90 EUR \(net 10,00 EUR\)\.Nothing credited so far\.May still be credited: 10,00 EUR \(net\)\./,
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(log.map((c) => c.name).filter((n) => n !== 'sidebarState' && n !== 'scheduleState')).toEqual(['creditableInvoice']);

    byId(doc, 'ccCancel').click();
    await confirmed(doc, true);
    await until(() => textOf(doc, 'ccStatus') !== '');
    expect(log.filter((c) => c.name === 'cancelInvoice').map((c) => c.args)).toEqual([[{ invoiceId: 'I-000002', reason: 'duplicate', releaseTransactions: true }]]);
    expect(textOf(doc, 'ccStatus')).toBe('Cancelled INV-2026-00002 with credit note CN-2026-00001: -11,90 EUR (net -10,00 EUR).');
    expect([...doc.querySelectorAll('#ccResults li')].map(rowText)).toEqual([
      'Credit note CN-2026-00001 | -11,90 EUR | Net -10,00 EUR, tax -1,90 EUR',
      'Invoice INV-2026-00002 (cancelled) | 11,90 EUR',
    ]);
    const rows = rowsOf(ss, 'Invoices').map((r) => [r['Number'], r['Type'], r['Status']]);
    expect(rows).toContainEqual(['INV-2026-00002', 'invoice', 'Cancelled']);
    expect(rows).toContainEqual(['CN-2026-00001', 'credit_note', 'Open']);
    expect(byId<HTMLInputElement>(doc, 'ccInvoice').value).toBe('');

    // A refusal comes back in plain words, as a sentence, before any confirmation.
    byId<HTMLInputElement>(doc, 'ccInvoice').value = 'INV-2026-00002';
    byId(doc, 'ccCancel').click();
    await until(() => byId(doc, 'error').style.display === 'block');
    expect(textOf(doc, 'error')).toBe('Invoice INV-2026-00002 is already cancelled.');
    expect(byId(doc, 'confirmBox').hidden).toBe(true);
  });

  it('credits a net amount typed as the sheet writes it, and refuses a malformed amount or more than is left before any call', async () => {
    const ss = finalizedWorkbook();
    const { doc, log } = sidebar(ss);
    await started(doc);
    // The invoice number is required.
    byId<HTMLInputElement>(doc, 'ccAmount').value = '5';
    byId(doc, 'ccCredit').click();
    expect(textOf(doc, 'error')).toBe('Enter the number of the invoice to cancel or credit.');

    // "5.00" is not how a German sheet writes five euros.
    byId<HTMLInputElement>(doc, 'ccInvoice').value = ' INV-2026-00003 ';
    byId<HTMLInputElement>(doc, 'ccAmount').value = '5.00';
    byId(doc, 'ccCredit').click();
    await until(() => byId(doc, 'error').style.display === 'block');
    expect(textOf(doc, 'error')).toBe('"5.00" is not an amount as this sheet writes them (for example 1.234,50 EUR).');

    byId<HTMLInputElement>(doc, 'ccAmount').value = '5,00';
    byId(doc, 'ccCredit').click();
    expect(await confirmed(doc, true)).toBe('Credit 5,00 EUR (net) on invoice INV-2026-00003?');
    await until(() => textOf(doc, 'ccStatus') !== '');
    expect(log.filter((c) => c.name === 'creditInvoice').map((c) => c.args)).toEqual([[{ invoiceId: 'I-000003', amount: '5.00' }]]);
    expect(textOf(doc, 'ccStatus')).toBe('Credited 5,00 EUR (net) on INV-2026-00003 with credit note CN-2026-00001: -5,95 EUR (net -5,00 EUR).');
    expect(rowText(doc.querySelector('#ccResults li')!)).toBe('Credit note CN-2026-00001 | -5,95 EUR | Net -5,00 EUR, tax -0,95 EUR');
    expect(rowsOf(ss, 'Invoices').find((r) => r['Number'] === 'CN-2026-00001')!['Type']).toBe('credit_note');
    expect(byId(doc, 'error').style.display).toBe('none');

    // 5,00 are left: 5,01 is refused before the confirmation and the call.
    byId<HTMLInputElement>(doc, 'ccInvoice').value = 'INV-2026-00003';
    byId<HTMLInputElement>(doc, 'ccAmount').value = '5,01';
    byId(doc, 'ccCredit').click();
    await until(() => byId(doc, 'error').style.display === 'block');
    expect(textOf(doc, 'error')).toBe('The credit amount 5,01 EUR is more than may still be credited on INV-2026-00003: 5,00 EUR (net).');
    expect([byId(doc, 'confirmBox').hidden, log.filter((c) => c.name === 'creditInvoice').length]).toEqual([true, 1]);
  });

  it('shows the schedule, the next run and the last runs; auto-send needs auto-finalize; saving keeps one hourly trigger; a bad day is refused in plain words', async () => {
    const ss = workbook({ now: Date.parse('2026-11-03T12:00:00Z'), exportRule: false, accounts: [account('A1'), account('A2'), account('A3', { country: 'JP' })] });
    const admin = addOn(ss, USER);
    admin.exec('saveScheduleSettings', { dayOfMonth: 5, hour: 6, autoFinalize: false, enabled: true });
    admin.exec('runInvoicing', NOVEMBER);
    const { doc, log } = sidebar(ss);
    await started(doc);

    expect([byId<HTMLInputElement>(doc, 'schedDay').value, byId<HTMLInputElement>(doc, 'schedHour').value]).toEqual(['5', '6']);
    expect(byId<HTMLInputElement>(doc, 'schedEnabled').checked).toBe(true);
    expect(textOf(doc, 'nextRun')).toBe('Next run: 2026-11-05 06:00');
    const lastError = admin.exec('scheduleState').lastRuns[0].lastError;
    expect(lastError).toMatch(/^no tax rule for seller DE, buyer JP/);
    expect([...doc.querySelectorAll('#lastRuns li')].map(rowText)).toEqual([`2026-11-01 – 2026-11-30: done with errors | 2 drafts, 1 error | R-000001, started by ${USER} | Last error: ${lastError}`]);

    const finalize = byId<HTMLInputElement>(doc, 'schedAutoFinalize');
    const send = byId<HTMLInputElement>(doc, 'schedAutoSend');
    expect([finalize.checked, send.disabled]).toEqual([false, true]);
    finalize.click();
    expect(send.disabled).toBe(false);
    send.click();
    finalize.click();
    expect([send.disabled, send.checked]).toEqual([true, false]);
    finalize.click();
    send.click();

    byId<HTMLInputElement>(doc, 'schedDay').value = '31';
    byId(doc, 'saveSchedule').click();
    await until(() => byId(doc, 'error').style.display === 'block');
    expect(textOf(doc, 'error')).toBe('day of month must be 1 to 28 (every month has it), not 31');
    byId<HTMLInputElement>(doc, 'schedDay').value = '';
    byId(doc, 'saveSchedule').click();
    await until(() => /not null/.test(textOf(doc, 'error')));
    expect(textOf(doc, 'error')).toBe('day of month must be 1 to 28 (every month has it), not null');
    expect(admin.exec('scheduleState').schedule.dayOfMonth).toBe(5);

    byId<HTMLInputElement>(doc, 'schedDay').value = '10';
    byId<HTMLInputElement>(doc, 'schedHour').value = '7';
    byId(doc, 'saveSchedule').click();
    await until(() => /saved/.test(textOf(doc, 'nextRun')));
    expect(log.filter((c) => c.name === 'saveScheduleSettings').map((c) => c.args)[2]).toEqual([{ dayOfMonth: 10, hour: 7, autoFinalize: true, autoSend: true, enabled: true }]);
    expect(textOf(doc, 'nextRun')).toBe('Schedule saved. Next run: 2026-11-10 07:00');
    expect(byId(doc, 'error').style.display).toBe('none');
    expect(admin.exec('scheduleState').schedule).toEqual({ dayOfMonth: 10, hour: 7, autoFinalize: true, autoSend: true, enabled: true });
    // The server behind the sidebar keeps exactly one hourly trigger, the saving user's.
    expect(ss.triggers.map((t) => [t.handler, t.user])).toEqual([['onHourlyTrigger', USER]]);

    byId<HTMLInputElement>(doc, 'schedEnabled').checked = false;
    byId(doc, 'saveSchedule').click();
    await until(() => /off/.test(textOf(doc, 'nextRun')));
    expect(textOf(doc, 'nextRun')).toBe('Schedule saved. Next run: none, the schedule is off.');
    expect(ss.triggers).toEqual([]);
  });
});
