// The sidebar (bundled by scripts/build.mjs into dist/Sidebar.html, inline): one module per panel,
// all talking to the server through `call` (./call.ts), typed by ServerApi.
import { actionsPanel } from './actionsPanel';
import { call } from './call';
import { $, showError } from './dom';
import { collectPanel } from './collectPanel';
import { creditPanel } from './creditPanel';
import { invoicePanel } from './invoicePanel';
import { openItemsPanel } from './openItemsPanel';
import { overviewPanel, showOverview } from './overview';
import { paymentsPanel } from './paymentsPanel';
import { receivePanel } from './receivePanel';
import { fillRunForm, runPanel } from './runPanel';
import { schedulePanel, showSchedule } from './schedulePanel';
import { sendPanel, showUncertain } from './sendPanel';

declare global {
  interface Window {
    /** Opens a panel and brings it into view: the menu items that open the sidebar at a panel (src/gas/main.ts) append a call. */
    openPanel(id: string): void;
  }
}

window.openPanel = (id) => {
  const panel = $<HTMLDetailsElement>(id);
  if (!panel) return;
  panel.open = true;
  if (panel.scrollIntoView) panel.scrollIntoView();
};

runPanel();
actionsPanel();
sendPanel();
receivePanel();
creditPanel();
invoicePanel();
schedulePanel();
paymentsPanel();
openItemsPanel();
collectPanel();
overviewPanel();

call('scheduleState').then(showSchedule).catch(showError);
// One call for the workbook's state: the form's choices, the drafts, what waits, the trigger.
call('sidebarState')
  .then((s) => {
    showOverview(s);
    fillRunForm(s);
    showUncertain(s.delivery.uncertain);
  })
  .catch(showError);
