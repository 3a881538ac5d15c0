// Schedule: the unattended monthly run (day, hour, auto-finalize, auto-send, on/off), when it runs
// next, and how the last runs ended.
import type { Schedule, ScheduleStateResponse } from '../../src/gas/serverApi';
import { call } from './call';
import { $, button, input, item, line, plural, showError } from './dom';
import { refreshOverview } from './overview';

function autoSendRule(): void {
  const on = input('schedAutoFinalize').checked;
  input('schedAutoSend').disabled = !on;
  if (!on) input('schedAutoSend').checked = false;
}

function fillSchedule(s: Schedule | null, next: string | null, prefix?: string): void {
  const shown = s || { dayOfMonth: 1, hour: 6, autoFinalize: false, autoSend: false, enabled: true };
  input('schedDay').value = String(shown.dayOfMonth);
  input('schedHour').value = String(shown.hour);
  input('schedAutoFinalize').checked = !!shown.autoFinalize;
  input('schedAutoSend').checked = !!shown.autoSend;
  input('schedEnabled').checked = shown.enabled !== false;
  autoSendRule();
  $('nextRun').textContent = (prefix || '') + 'Next run: ' + (next || (!s ? 'none, no schedule saved yet.' : s.enabled === false ? 'none, the schedule is off.' : 'none.'));
}

/** An empty field is null: the server says in plain words what it needs. */
function number(id: string): number | null {
  const v = input(id).value.trim();
  return v === '' ? null : Number(v);
}

export function schedulePanel(): void {
  input('schedAutoFinalize').addEventListener('change', autoSendRule);
  button('saveSchedule').addEventListener('click', () => {
    showError(null);
    button('saveSchedule').disabled = true;
    call('saveScheduleSettings', {
      dayOfMonth: number('schedDay'),
      hour: number('schedHour'),
      autoFinalize: input('schedAutoFinalize').checked,
      autoSend: input('schedAutoFinalize').checked && input('schedAutoSend').checked,
      enabled: input('schedEnabled').checked,
    })
      .then((r) => {
        fillSchedule(r.schedule, r.next, 'Schedule saved. ');
        // The hourly trigger comes and goes with the schedule: "In this workbook" says which
        // (not awaited: the button is free again once the schedule is saved).
        refreshOverview();
      })
      .catch(showError)
      .then(() => {
        button('saveSchedule').disabled = false;
      });
  });
}

export function showSchedule(st: ScheduleStateResponse): void {
  fillSchedule(st.schedule, st.next);
  showLastRuns(st.lastRuns);
}

/** The last runs, newest first; drawn again after each run. */
function showLastRuns(runs: ScheduleStateResponse['lastRuns']): void {
  const list = $('lastRuns');
  list.textContent = '';
  if (!runs.length) item(list, 'No runs yet.');
  for (const r of runs) {
    const period = r.periodStart ? r.periodStart + ' – ' + (r.periodEnd || '') : r.runId;
    const li = item(list, period + ': ' + String(r.status).replace(/_/g, ' '));
    line(li, plural(r.drafts, 'draft', 'drafts') + ', ' + plural(r.errors, 'error', 'errors'));
    line(li, r.runId + (r.startedBy ? ', started by ' + r.startedBy : ''));
    if (r.lastError) line(li, 'Last error: ' + r.lastError);
  }
}

/** After a run: "Last runs" shows it (the form keeps what the user typed). */
export function refreshLastRuns(): Promise<void> {
  return call('scheduleState')
    .then((st) => showLastRuns(st.lastRuns))
    .catch(showError);
}
