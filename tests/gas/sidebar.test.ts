// The sidebar in a DOM (jsdom) with a google.script.run stand-in that answers with the real use
// cases on an in-memory workbook, cut into one-draft slices so the sidebar's continue loop runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { continueRun, runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { renderDocuments } from '../../src/app/delivery';
import { loadSchedule, nextScheduledRun, saveSchedule, scheduleState } from '../../src/app/schedule';
import { sidebarState } from '../../src/app/sidebarState';
import { account, item, oneInvoiceDoc, oneTenant, ports, product, subscription, table } from '../support/fixtures';
import { receiveInvoices } from '../../src/app/receive';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { einvoiceDir } from '../support/einvoiceValidation';
import { acrossScriptRun } from '../support/scriptRun';
import { recordTrigger } from '../../src/app/access';
import { pendingRequests, requestWork } from '../../src/app/handOver';
import { readDataset } from '../../src/app/workbook';

const html = readFileSync(join(__dirname, '../../sidebar/Sidebar.html'), 'utf8');

type Server = Record<string, (...a: any[]) => unknown>;

/**
 * The sidebar on the real use cases; `host` adds stand-ins for what only the Apps Script host does
 * (previewDraft, sendInvoices, goToInvoice). `log` records every call with its arguments as sent.
 */
let made = 0;
const paperDocs = {
  render: () => ({ docUrl: `https://docs.google.com/document/d/D${++made}/edit`, pdfUrl: `https://drive.google.com/file/d/P${made}/view` }),
  preview: () => 'https://drive.google.com/file/d/preview/view',
  saveXml: () => 'https://drive.google.com/file/d/xml/view',
  exists: () => true,
};

function sidebar(p: ReturnType<typeof ports>, host: Server = {}) {
  const calls: string[] = [];
  const log: { name: string; args: unknown[] }[] = [];
  const server: Server = {
    sidebarState: () => sidebarState(p),
    runInvoicing: (req) => runInvoicing(p, req, { maxGroups: 1 }),
    continueRun: (id) => continueRun(p, id, { maxGroups: 1 }),
    finalizeInvoices: (req) => finalizeInvoices(p, req),
    verifyLedger: () => verifyLedger(p),
    // The use case with a Drive stand-in (the Docs rendering itself is tested in tests/gas/documents).
    renderDocuments: (req) => renderDocuments(p, paperDocs, req ?? {}),
    cancelInvoice: (req) => cancelInvoice(p, req),
    creditInvoice: (req) => creditInvoice(p, req),
    scheduleState: () => scheduleState(p),
    saveScheduleSettings: (s) => {
      const schedule = saveSchedule(p, s);
      return { schedule, next: nextScheduledRun(p) ?? null };
    },
    ...host,
  };
  const dom = new JSDOM(html, {
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
              return (...args: unknown[]) => {
                calls.push(name);
                const sent = JSON.parse(JSON.stringify(args));
                log.push({ name, args: sent });
                setTimeout(() => {
                  try {
                    if (!server[name]) throw new Error(`Script function not found: ${name}`);
                    ok?.(acrossScriptRun(server[name](...sent)));
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
  return { dom, win: dom.window as any, doc: dom.window.document, calls, log };
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

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out: ${check.toString()}`);
}

function workbookRows(now?: string) {
  return ports(
    {
      Accounts: [account('A1', { name: 'Müller <b>& Co</b>' }), account('A2'), account('A3')],
      Products: [product('P1', '10.00')],
      Subscriptions: [subscription('S1', 'A1', { tag: 'vip' }), subscription('S2', 'A2'), subscription('S3', 'A3', { tag: 'vip' })],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
      Filters: [{ name: 'VIP', appliesTo: 'Subscriptions', column: 'Tag', operator: 'equals', value: 'vip' }],
    },
    now,
  );
}

/** November's three invoices finalized through the real use cases: INV-2026-00001 … 00003. */
function finalizedWorkbook() {
  const p = workbookRows();
  runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  expect(finalizeInvoices(p, {}).invoices.map((i) => i.number)).toEqual(['INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003']);
  return p;
}

async function started(doc: Document) {
  await until(() => /Next run/.test(textOf(doc, 'nextRun')) && doc.querySelectorAll('input[name=filter]').length > 0);
}

describe('sidebar', () => {
  it('is one self-contained file: no external scripts, styles or CDNs', () => {
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    // Every form control has a label for screen readers.
    const dom = new JSDOM(html);
    const controls = [...dom.window.document.querySelectorAll('input, select')];
    for (const el of controls) {
      expect(dom.window.document.querySelector(`label[for="${el.id}"]`)).not.toBeNull();
    }
    // The panels' controls are among them.
    expect(controls.map((c) => c.id)).toEqual(
      expect.arrayContaining(['ccInvoice', 'ccReason', 'ccAmount', 'ccRelease', 'schedDay', 'schedHour', 'schedAutoFinalize', 'schedAutoSend', 'schedEnabled']),
    );
    // Server data goes into text nodes only.
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('reads picked XML files and Factur-X PDFs into Received, in calls of at most about 4 MB', async () => {
    const p = workbookRows();
    const examples = join(einvoiceDir(), 'examples');
    const big = readFileSync(join(examples, 'ubl/FT_G2G_TD01_split_payment.xml'), 'utf8'); // 3.3 MB
    const small = readFileSync(join(examples, 'ubl/ubl-tc434-example2.xml'), 'utf8'); // not CII_example1's invoice in UBL
    const pdf = await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant, facturX: readFileSync(join(examples, 'cii/CII_example1.xml'), 'utf8') });
    const { win, doc, log } = sidebar(p, {
      // What src/gas/main.ts receiveInvoices does with what the browser sends.
      receiveInvoices: (files: { name: string; xml?: string; pdf?: string }[]) =>
        receiveInvoices(
          p,
          files.map((f) => (f.pdf === undefined ? { name: f.name, xml: f.xml! } : { name: f.name, bytes: new Uint8Array(Buffer.from(f.pdf, 'base64')) })),
        ),
    });
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
    await until(() => /^Read \d/.test(textOf(doc, 'receiveStatus')));
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
    expect(table(p, 'Received')).toHaveLength(4);
  });

  it('refuses a file too large to send from the sidebar, naming it, and sends nothing', async () => {
    const { win, doc, log } = sidebar(workbookRows());
    await started(doc);
    const huge = new win.File(['x'], 'scan.pdf', { type: 'application/pdf' });
    Object.defineProperty(huge, 'size', { value: 16_000_000 });
    Object.defineProperty(byId<HTMLInputElement>(doc, 'receiveFiles'), 'files', { value: [huge] });
    button(doc, 'Read in').click();
    await until(() => /scan\.pdf: too large/.test(doc.body.textContent ?? ''));
    expect(log.filter((c) => c.name === 'receiveInvoices')).toEqual([]);
  });

  it('opens the panel the menu asks for', async () => {
    const { win, doc } = sidebar(workbookRows());
    await started(doc);
    expect((doc.getElementById('receivePanel') as HTMLDetailsElement).open).toBe(false);
    win.openPanel('receivePanel');
    expect((doc.getElementById('receivePanel') as HTMLDetailsElement).open).toBe(true);
  });

  it("offers the sheet's filters and last month, runs in slices until done, and shows drafts as text", async () => {
    const p = workbookRows();
    const { doc, calls } = sidebar(p);
    await until(() => doc.querySelectorAll('input[name=filter]').length > 0);
    expect((doc.getElementById('month') as HTMLInputElement).value).toBe('2026-10');
    // One filter: it is preselected.
    expect([...doc.querySelectorAll<HTMLInputElement>('input[name=filter]')].map((i) => [i.value, i.checked])).toEqual([
      ['', false],
      ['VIP', true],
    ]);
    (doc.getElementById('month') as HTMLInputElement).value = '2026-11';
    (doc.querySelector('input[name=filter][value=""]') as HTMLInputElement).checked = true;
    (doc.getElementById('start') as HTMLButtonElement).click();
    await until(() => /done/.test(doc.getElementById('status')!.textContent!));
    expect(calls.filter((c) => c === 'continueRun')).toHaveLength(2);
    const items = [...doc.querySelectorAll('#drafts li')].map(rowText);
    expect(items).toEqual(['Müller <b>& Co</b> | EUR 11.90', 'Customer A2 | EUR 11.90', 'Customer A3 | EUR 11.90']);
    expect(doc.querySelector('#drafts b')).toBeNull();
    expect(doc.getElementById('status')!.textContent).toBe('Run R-000001 done: 3 drafts, 0 not billed.');
    expect((doc.getElementById('progress') as HTMLProgressElement).value).toBe(3);

    (doc.getElementById('finalize') as HTMLButtonElement).click();
    await until(() => /Finalized/.test(doc.getElementById('status')!.textContent!));
    await until(() => /Documents/.test(doc.getElementById('status')!.textContent!));
    expect(doc.getElementById('status')!.textContent).toBe('Finalized 3 invoices. Documents: 3 made.');
    expect(table(p, 'Invoices').map((i) => i['PDF URL'])).toEqual(Array(3).fill(expect.stringMatching(/^https:\/\/drive\.google\.com\/file\/d\/P\d+\/view$/)));
    (doc.getElementById('verify') as HTMLButtonElement).click();
    await until(() => /Ledger/.test(doc.getElementById('status')!.textContent!));
    expect(doc.getElementById('status')!.textContent).toBe('Ledger intact: 3 finalized invoices checked.');
  });

  it("tells an editor who is not an admin what their role means, and shows a queued run's message instead of drafts", async () => {
    const p = workbookRows();
    // A clerk in a shared workbook: may edit the data sheets, not the engine's; an admin's hourly trigger is on.
    Object.assign(p, { enforceAdmins: true, user: () => 'clerk@example.com', access: { canEditSpreadsheet: () => true, canWriteLedger: () => false } });
    recordTrigger(p, 'boss@example.com');
    const { doc, calls } = sidebar(p, {
      runInvoicing: (req) => requestWork(p, readDataset(p, ['Settings']), 'run', 'Invoice runs write the billing sheets, which only the billing admins may change.', req),
    });
    await until(() => !doc.getElementById('access')!.hidden);
    expect(doc.getElementById('access')!.textContent).toBe(
      'Only the billing admins (see Settings) finalize, send and change the ledger. An invoice run you start is queued for the hourly trigger (run by boss@example.com) and done within the hour.',
    );
    await until(() => doc.querySelectorAll('input[name=filter]').length > 0);
    (doc.getElementById('start') as HTMLButtonElement).click();
    await until(() => /queued/.test(doc.getElementById('status')!.textContent!));
    expect(doc.getElementById('status')!.textContent).toBe(
      'Invoice runs write the billing sheets, which only the billing admins may change. Your invoice run is queued: the hourly trigger (run by boss@example.com) does it within the hour; the Log sheet shows it when done.',
    );
    expect([calls.includes('continueRun'), doc.querySelectorAll('#drafts li').length, (doc.getElementById('start') as HTMLButtonElement).disabled]).toEqual([false, 0, false]);
    expect(pendingRequests(p).map((r) => [r.kind, r.by, r.run?.periodStart])).toEqual([['run', 'clerk@example.com', '2026-10-01']]);
  });

  it('runs the preselected filter, lists what failed with the reason, and shows server errors in plain words', async () => {
    const p = workbookRows();
    const accounts = p.tables.sheets.get('Accounts')!;
    accounts.rows[2][accounts.headers.indexOf('Country')] = 'JP'; // and no export rule: S3 cannot be taxed
    const rules = p.tables.sheets.get('TaxRules')!;
    rules.rows = rules.rows.filter((r) => r[0] !== 'DE-EXPORT');
    const { doc } = sidebar(p);
    await until(() => doc.querySelectorAll('input[name=filter]').length > 0);
    (doc.getElementById('month') as HTMLInputElement).value = '2026-11';
    (doc.getElementById('start') as HTMLButtonElement).click();
    await until(() => /done/.test(doc.getElementById('status')!.textContent!));
    expect([...doc.querySelectorAll('#drafts li')].map(rowText)).toEqual(['Müller <b>& Co</b> | EUR 11.90']);
    expect((doc.getElementById('failedBox') as HTMLElement).hidden).toBe(false);
    expect(doc.querySelector('#failed li')!.textContent).toMatch(/^S3: no tax rule for seller DE, buyer JP/);

    // A refusal of the server comes back as a readable message.
    const settings = p.tables.sheets.get('Settings')!;
    const adminCol = settings.headers.indexOf('Billing Admins');
    settings.rows[0][adminCol] = 'boss@example.com';
    p.enforceAdmins = true;
    (doc.getElementById('finalize') as HTMLButtonElement).click();
    await until(() => (doc.getElementById('error') as HTMLElement).style.display === 'block');
    expect(doc.getElementById('error')!.textContent).toBe('Only the billing admins named in Settings (boss@example.com) may finalize invoices; you are signed in as tester@example.com.');
  });

  it("previews a draft in a new tab with a link as well, refuses a non-https address, and shows a draft's row", async () => {
    const url = 'https://drive.google.com/file/d/abc/view';
    let answer = url;
    const { doc, win, log } = sidebar(workbookRows(), {
      previewDraft: (invoiceId: string) => ({ invoiceId, url: answer }),
      goToInvoice: () => undefined,
    });
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
    expect(opened).toEqual([[url, '_blank']]);
    const link = doc.querySelector('#status a') as HTMLAnchorElement;
    expect([link.href, link.target, link.rel, link.textContent]).toEqual([url, '_blank', 'noopener', 'Open the preview of I-000002']);
    expect(textOf(doc, 'status')).toBe('Preview of draft I-000002 opened in a new tab. If it did not: Open the preview of I-000002');

    // Anything but https is neither opened nor linked.
    answer = 'javascript:alert(1)';
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
    await until(() => log.some((c) => c.name === 'goToInvoice'));
    expect(log.filter((c) => c.name === 'goToInvoice').map((c) => c.args)).toEqual([['I-000002']]);
  });

  it('bills a period from – to instead of the month, and says in plain words what is missing or wrong', async () => {
    const { doc, log } = sidebar(workbookRows());
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
    await until(() => log.some((c) => c.name === 'runInvoicing'));
    expect(textOf(doc, 'error')).toBe('');
    expect(log.find((c) => c.name === 'runInvoicing')!.args[0] as { periodStart: string; periodEnd: string }).toMatchObject({ periodStart: '2026-11-10', periodEnd: '2026-11-20' });
  });

  it('finalizes the selected drafts only, then makes their documents in slices until none remain', async () => {
    const p = workbookRows();
    const answers = [
      { rendered: [{ invoiceId: 'I-000001' }], failed: [], remaining: 1, quotaExhausted: false },
      { rendered: [{ invoiceId: 'I-000002' }], failed: [{ invoiceId: 'I-000009', number: 'INV-9', reason: 'template <gone>' }], remaining: 0, quotaExhausted: false },
    ];
    const { doc, log } = sidebar(p, { renderDocuments: () => answers.shift() });
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
    byId(doc, 'finalizeSelected').click();
    await until(() => /Documents: 2 made/.test(textOf(doc, 'status')));
    expect(log.find((c) => c.name === 'finalizeInvoices')!.args).toEqual([{ invoiceIds: ['I-000001', 'I-000003'] }]);
    expect(table(p, 'Invoices').map((i) => i.Status)).toEqual(['Open', 'Draft', 'Open']);
    expect(textOf(doc, 'status')).toBe('Finalized 2 invoices. Documents: 2 made. Documents not made: INV-9 (template <gone>).');
    expect(log.filter((c) => c.name === 'renderDocuments')).toHaveLength(2);
    // The finalized drafts left the list; the other stays selectable.
    expect([...doc.querySelectorAll('input[name=pick]')].map((i) => (i as HTMLInputElement).value)).toEqual(['I-000002']);
  });

  it('sends in slices until done, then shows sent, failed reasons as text, uncertain and queued invoices', async () => {
    const slices = [
      {
        rendered: 3,
        sent: [{ invoiceId: 'I-000001', number: 'INV-2026-00001', to: ['a@example.com'] }],
        failed: [{ invoiceId: 'I-000002', number: 'INV-2026-00002', reason: 'no email address <img src=x onerror="alert(1)">' }],
        uncertain: [],
        queued: 0,
        quotaLeft: 5,
        done: false,
      },
      {
        rendered: 0,
        sent: [{ invoiceId: 'I-000004', number: 'INV-2026-00004', to: ['b@example.com'] }],
        failed: [],
        uncertain: [{ invoiceId: 'I-000003', number: 'INV-2026-00003' }],
        queued: 2,
        quotaLeft: 0,
        done: true,
      },
    ];
    const statusAtCall: string[] = [];
    const { doc, log } = sidebar(workbookRows(), {
      sendInvoices: (req: { invoiceIds?: string[] }) => {
        statusAtCall.push(textOf(doc, 'status'));
        return req.invoiceIds
          ? { rendered: 0, sent: [{ invoiceId: 'I-000003', number: 'INV-2026-00003', to: ['c@example.com'] }], failed: [], uncertain: [], queued: 0, quotaLeft: 4, done: true }
          : slices.shift();
      },
      goToInvoice: () => undefined,
      markInvoicesSent: (ids: string[]) => ids,
    });
    await started(doc);
    byId(doc, 'send').click();
    expect(byId<HTMLButtonElement>(doc, 'stop').disabled).toBe(false);
    await until(() => /^Sent \d+ invoices?[.,]/.test(textOf(doc, 'status')));
    expect(log.filter((c) => c.name === 'sendInvoices').map((c) => c.args)).toEqual([[{}], [{}]]);
    // The second slice was asked for while the sidebar showed the progress of the first.
    expect(statusAtCall).toEqual(['Sending…', 'Sent 1 so far… (3 PDFs made)']);
    expect(textOf(doc, 'status')).toBe("Sent 2 invoices, 1 not sent, 1 with delivery uncertain. 2 invoices wait for tomorrow's mail quota; the hourly trigger sends them (mail quota left today: 0).");
    expect(byId(doc, 'sendBox').hidden).toBe(false);
    expect([...doc.querySelectorAll('#sendList li')].map(rowText)).toEqual([
      'INV-2026-00002: no email address <img src=x onerror="alert(1)">',
      'INV-2026-00003: delivery uncertain; check with the customer, then mark as sent or resend',
    ]);
    expect(doc.querySelector('img')).toBeNull();
    expect(byId<HTMLButtonElement>(doc, 'stop').disabled).toBe(true);
    expect(byId<HTMLButtonElement>(doc, 'send').disabled).toBe(false);
    button(doc, 'Show row of invoice INV-2026-00003').click();
    await until(() => log.some((c) => c.name === 'goToInvoice'));
    expect(log.find((c) => c.name === 'goToInvoice')!.args).toEqual(['I-000003']);
    // The uncertain one: resend it explicitly, or record it as sent after checking.
    button(doc, 'Resend invoice INV-2026-00003').click();
    await until(() => /sent again/.test(rowText(doc.querySelectorAll('#sendList li')[1])));
    expect(log.filter((c) => c.name === 'sendInvoices').pop()!.args).toEqual([{ invoiceIds: ['I-000003'], resend: true }]);
    button(doc, 'Mark invoice INV-2026-00003 as sent').click();
    await until(() => log.some((c) => c.name === 'markInvoicesSent'));
    expect(log.find((c) => c.name === 'markInvoicesSent')!.args).toEqual([['I-000003']]);
  });

  it('stops sending when Stop is pressed and says how to go on', async () => {
    let n = 0;
    const { doc, calls } = sidebar(workbookRows(), {
      // Finite, so that a sidebar ignoring Stop fails instead of looping.
      sendInvoices: () => ({ rendered: 0, sent: [{ invoiceId: `I-${++n}`, number: `N-${n}`, to: ['a@example.com'] }], failed: [], uncertain: [], queued: 0, quotaLeft: 90, done: n >= 3 }),
    });
    await started(doc);
    byId(doc, 'send').click();
    byId(doc, 'stop').click();
    await until(() => byId<HTMLButtonElement>(doc, 'send').disabled === false);
    expect(calls.filter((c) => c === 'sendInvoices')).toHaveLength(1);
    expect(textOf(doc, 'status')).toBe('Sent 1 invoice. Stopped: Send finalized invoices again sends the rest.');
    expect(byId(doc, 'sendBox').hidden).toBe(true);
  });

  it('cancels an invoice by its number after confirming: the credit note shows and the ledger has it Cancelled', async () => {
    const p = finalizedWorkbook();
    const { doc, win, log } = sidebar(p);
    const asked: string[] = [];
    let answer = false;
    win.confirm = (m: string) => {
      asked.push(m);
      return answer;
    };
    await started(doc);
    byId<HTMLInputElement>(doc, 'ccInvoice').value = 'INV-2026-00002';
    byId<HTMLInputElement>(doc, 'ccReason').value = 'duplicate';
    byId<HTMLInputElement>(doc, 'ccRelease').checked = true;

    // Declined: nothing is sent to the server.
    byId(doc, 'ccCancel').click();
    expect(asked).toEqual(['Cancel invoice INV-2026-00002? A credit note for the whole invoice is issued; this cannot be undone. Its usage transactions are billed again by the next run.']);
    await new Promise((r) => setTimeout(r, 20));
    expect(log.some((c) => c.name === 'cancelInvoice')).toBe(false);

    answer = true;
    byId(doc, 'ccCancel').click();
    await until(() => textOf(doc, 'ccStatus') !== '');
    expect(log.filter((c) => c.name === 'cancelInvoice').map((c) => c.args)).toEqual([[{ invoiceId: 'INV-2026-00002', reason: 'duplicate', releaseTransactions: true }]]);
    expect(textOf(doc, 'ccStatus')).toBe('Cancelled INV-2026-00002 with credit note CN-2026-00001 (total EUR -11.90).');
    expect([...doc.querySelectorAll('#ccResults li')].map(rowText)).toEqual([
      'Credit note CN-2026-00001 | EUR -11.90 | Net -10.00, tax -1.90, total -11.90',
      'Invoice INV-2026-00002 (cancelled) | EUR 11.90',
    ]);
    const rows = table(p, 'Invoices').map((r) => [r['Number'], r['Type'], r['Status']]);
    expect(rows).toContainEqual(['INV-2026-00002', 'invoice', 'Cancelled']);
    expect(rows).toContainEqual(['CN-2026-00001', 'credit_note', 'Open']);
    expect(byId<HTMLInputElement>(doc, 'ccInvoice').value).toBe('');

    // A refusal comes back in plain words.
    byId<HTMLInputElement>(doc, 'ccInvoice').value = 'INV-2026-00002';
    byId(doc, 'ccCancel').click();
    await until(() => byId(doc, 'error').style.display === 'block');
    expect(textOf(doc, 'error')).toBe('invoice INV-2026-00002 is already cancelled');
  });

  it("credits a net amount: the credit note's totals show as exact decimals", async () => {
    const p = finalizedWorkbook();
    const { doc, win, log } = sidebar(p);
    win.confirm = () => true;
    await started(doc);
    // The invoice number is required.
    byId<HTMLInputElement>(doc, 'ccAmount').value = '5';
    byId(doc, 'ccCredit').click();
    expect(textOf(doc, 'error')).toBe('Enter the number of the invoice to cancel or credit.');

    byId<HTMLInputElement>(doc, 'ccInvoice').value = ' INV-2026-00003 ';
    byId<HTMLInputElement>(doc, 'ccAmount').value = '5,00';
    byId(doc, 'ccCredit').click();
    await until(() => textOf(doc, 'ccStatus') !== '');
    expect(log.filter((c) => c.name === 'creditInvoice').map((c) => c.args)).toEqual([[{ invoiceId: 'INV-2026-00003', amount: '5.00' }]]);
    expect(textOf(doc, 'ccStatus')).toBe('Credited INV-2026-00003 with credit note CN-2026-00001 (total EUR -5.95).');
    expect(rowText(doc.querySelector('#ccResults li')!)).toBe('Credit note CN-2026-00001 | EUR -5.95 | Net -5.00, tax -0.95, total -5.95');
    expect(table(p, 'Invoices').find((r) => r['Number'] === 'CN-2026-00001')!['Type']).toBe('credit_note');
    expect(textOf(doc, 'error')).toBe('');
  });

  it('shows the schedule, the next run and the last runs; auto-send needs auto-finalize; a bad day is refused in plain words', async () => {
    const p = workbookRows('2026-11-03T12:00:00Z');
    saveSchedule(p, { dayOfMonth: 5, hour: 6, autoFinalize: false, enabled: true });
    const accounts = p.tables.sheets.get('Accounts')!;
    accounts.rows[2][accounts.headers.indexOf('Country')] = 'JP';
    const rules = p.tables.sheets.get('TaxRules')!;
    rules.rows = rules.rows.filter((r) => r[0] !== 'DE-EXPORT');
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const { doc, log } = sidebar(p);
    await started(doc);

    expect([byId<HTMLInputElement>(doc, 'schedDay').value, byId<HTMLInputElement>(doc, 'schedHour').value]).toEqual(['5', '6']);
    expect(byId<HTMLInputElement>(doc, 'schedEnabled').checked).toBe(true);
    expect(textOf(doc, 'nextRun')).toBe('Next run: 2026-11-05 06:00');
    expect([...doc.querySelectorAll('#lastRuns li')].map(rowText)).toEqual([
      '2026-11-01 – 2026-11-30: done with errors | 2 drafts, 1 error | R-000001, started by tester@example.com | Last error: ' + scheduleState(p).lastRuns[0].lastError,
    ]);
    expect(scheduleState(p).lastRuns[0].lastError).toMatch(/^no tax rule for seller DE, buyer JP/);

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
    expect(loadSchedule(p)!.dayOfMonth).toBe(5);

    byId<HTMLInputElement>(doc, 'schedDay').value = '10';
    byId<HTMLInputElement>(doc, 'schedHour').value = '7';
    byId(doc, 'saveSchedule').click();
    await until(() => /saved/.test(textOf(doc, 'nextRun')));
    expect(log.filter((c) => c.name === 'saveScheduleSettings').map((c) => c.args)[1]).toEqual([{ dayOfMonth: 10, hour: 7, autoFinalize: true, autoSend: true, enabled: true }]);
    expect(textOf(doc, 'nextRun')).toBe('Schedule saved. Next run: 2026-11-10 07:00');
    expect(byId(doc, 'error').style.display).toBe('none');
    expect(loadSchedule(p)).toEqual({ dayOfMonth: 10, hour: 7, autoFinalize: true, autoSend: true, enabled: true });

    byId<HTMLInputElement>(doc, 'schedEnabled').checked = false;
    byId(doc, 'saveSchedule').click();
    await until(() => /off/.test(textOf(doc, 'nextRun')));
    expect(textOf(doc, 'nextRun')).toBe('Schedule saved. Next run: none, the schedule is off.');
  });
});
