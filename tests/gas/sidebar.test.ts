// The sidebar in a DOM (jsdom) with a google.script.run stand-in that answers with the real use
// cases on an in-memory workbook, cut into one-draft slices so the sidebar's continue loop runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { continueRun, runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { sidebarState } from '../../src/app/sidebarState';
import { account, item, ports, product, subscription } from '../support/fixtures';

const html = readFileSync(join(__dirname, '../../sidebar/Sidebar.html'), 'utf8');

function sidebar(p: ReturnType<typeof ports>) {
  const calls: string[] = [];
  const server: Record<string, (...a: any[]) => unknown> = {
    sidebarState: () => sidebarState(p),
    runInvoicing: (req) => runInvoicing(p, req, { maxGroups: 1 }),
    continueRun: (id) => continueRun(p, id, { maxGroups: 1 }),
    finalizeInvoices: (req) => finalizeInvoices(p, req),
    verifyLedger: () => verifyLedger(p),
  };
  const dom = new JSDOM(html, {
    runScripts: 'dangerously',
    beforeParse(window: any) {
      // Like google.script.run: asynchronous, arguments and results cross as JSON (no Dates).
      const runner = (ok?: (v: unknown) => void, fail?: (e: Error) => void): any => new Proxy({}, {
        get(_t, name: string) {
          if (name === 'withSuccessHandler') return (f: (v: unknown) => void) => runner(f, fail);
          if (name === 'withFailureHandler') return (f: (e: Error) => void) => runner(ok, f);
          return (...args: unknown[]) => {
            calls.push(name);
            setTimeout(() => {
              try {
                ok?.(JSON.parse(JSON.stringify(server[name](...JSON.parse(JSON.stringify(args))) ?? null)));
              } catch (e) {
                fail?.(new window.Error((e as Error).message));
              }
            }, 0);
          };
        },
      });
      window.google = { script: { run: runner() } };
    },
  });
  return { dom, doc: dom.window.document, calls };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out: ${check.toString()}`);
}

function workbookRows() {
  return ports({
    Accounts: [account('A1', { name: 'Müller <b>& Co</b>' }), account('A2'), account('A3')],
    Products: [product('P1', '10.00')],
    Subscriptions: [subscription('S1', 'A1', { tag: 'vip' }), subscription('S2', 'A2'), subscription('S3', 'A3', { tag: 'vip' })],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
    Filters: [{ name: 'VIP', appliesTo: 'Subscriptions', column: 'Tag', operator: 'equals', value: 'vip' }],
  });
}

describe('sidebar', () => {
  it('is one self-contained file: no external scripts, styles or CDNs', () => {
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    // Every form control has a label for screen readers.
    const dom = new JSDOM(html);
    for (const el of dom.window.document.querySelectorAll('input, select')) {
      expect(dom.window.document.querySelector(`label[for="${el.id}"]`)).not.toBeNull();
    }
  });

  it('offers the sheet\'s filters and last month, runs in slices until done, and shows drafts as text', async () => {
    const { doc, calls } = sidebar(workbookRows());
    await until(() => doc.querySelectorAll('input[name=filter]').length > 0);
    expect((doc.getElementById('month') as HTMLInputElement).value).toBe('2026-10');
    // One filter: it is preselected.
    expect([...doc.querySelectorAll<HTMLInputElement>('input[name=filter]')].map((i) => [i.value, i.checked])).toEqual([['', false], ['VIP', true]]);
    (doc.getElementById('month') as HTMLInputElement).value = '2026-11';
    (doc.querySelector('input[name=filter][value=""]') as HTMLInputElement).checked = true;
    (doc.getElementById('start') as HTMLButtonElement).click();
    await until(() => /done/.test(doc.getElementById('status')!.textContent!));
    expect(calls.filter((c) => c === 'continueRun')).toHaveLength(2);
    const items = [...doc.querySelectorAll('#drafts li')].map((li) => li.textContent);
    expect(items).toEqual(['Müller <b>& Co</b>EUR 11.90', 'Customer A2EUR 11.90', 'Customer A3EUR 11.90']);
    expect(doc.querySelector('#drafts b')).toBeNull();
    expect(doc.getElementById('status')!.textContent).toBe('Run R-000001 done: 3 drafts, 0 not billed.');
    expect((doc.getElementById('progress') as HTMLProgressElement).value).toBe(3);

    (doc.getElementById('finalize') as HTMLButtonElement).click();
    await until(() => /Finalized/.test(doc.getElementById('status')!.textContent!));
    expect(doc.getElementById('status')!.textContent).toBe('Finalized 3 invoices.');
    (doc.getElementById('verify') as HTMLButtonElement).click();
    await until(() => /Ledger/.test(doc.getElementById('status')!.textContent!));
    expect(doc.getElementById('status')!.textContent).toBe('Ledger intact: 3 finalized invoices checked.');
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
    expect([...doc.querySelectorAll('#drafts li')].map((li) => li.textContent)).toEqual(['Müller <b>& Co</b>EUR 11.90']);
    expect((doc.getElementById('failedBox') as HTMLElement).hidden).toBe(false);
    expect(doc.querySelector('#failed li')!.textContent).toMatch(/^S3: no tax rule for seller DE, buyer JP/);

    // A refusal of the server comes back as a readable message.
    const settings = p.tables.sheets.get('Settings')!;
    const adminCol = settings.headers.indexOf('Billing Admins');
    settings.rows[0][adminCol] = 'boss@example.com';
    p.enforceAdmins = true;
    (doc.getElementById('finalize') as HTMLButtonElement).click();
    await until(() => (doc.getElementById('error') as HTMLElement).style.display === 'block');
    expect(doc.getElementById('error')!.textContent).toBe(
      'Only the billing admins named in Settings (boss@example.com) may finalize invoices; you are signed in as tester@example.com.',
    );
  });
});
