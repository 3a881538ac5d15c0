// Read received e-invoices: the picked files are read here in the browser, so no Drive access is
// needed (XML as text, PDFs as base64), and sent in calls of about 4 MB.
import type { ReceivedFile, ReceiveReport } from '../../src/gas/serverApi';
import { call } from './call';
import { $, button, input, item, money, showError } from './dom';

/** Files go to the script in calls of about this many characters: one request stays small, however many files are picked. */
const RECEIVE_BATCH = 4000000;
/** A single file bigger than this is not sent (a scanned PDF of many pages); `billing receive` on a computer reads it. */
const RECEIVE_MAX_BYTES = 15000000;

function readText(file: File): Promise<ReceivedFile> {
  const pdf = /\.pdf$/i.test(file.name) || file.type === 'application/pdf';
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      resolve(pdf ? { name: file.name, pdf: String(r.result).replace(/^data:[^,]*,/, '') } : { name: file.name, xml: String(r.result) });
    };
    r.onerror = () => reject(new Error('Could not read ' + file.name));
    if (pdf) r.readAsDataURL(file);
    else r.readAsText(file);
  });
}

function batches(list: ReceivedFile[]): ReceivedFile[][] {
  const out: ReceivedFile[][] = [];
  let size = 0;
  for (const f of list) {
    const n = (f.xml || f.pdf || '').length;
    if (!out.length || size + n > RECEIVE_BATCH) {
      out.push([]);
      size = 0;
    }
    out[out.length - 1].push(f);
    size += n;
  }
  return out;
}

export function receivePanel(): void {
  button('receive').addEventListener('click', () => {
    showError(null);
    const files: File[] = Array.prototype.slice.call(input('receiveFiles').files || []);
    if (!files.length) return showError(new Error('Choose the XML or PDF files to read in first.'));
    const tooBig = files.filter((f) => f.size > RECEIVE_MAX_BYTES);
    if (tooBig.length)
      return showError(new Error(tooBig.map((f) => f.name).join(', ') + ': too large to read in here (over 15 MB); read it with `billing receive` on a computer, or send a smaller file.'));
    button('receive').disabled = true;
    $('receiveStatus').textContent = 'Reading ' + files.length + ' files…';
    const report: ReceiveReport = { received: [], skipped: [], failed: [] };
    Promise.all(files.map(readText))
      .then((list) => {
        // One call per batch, one after the other: each takes the lock and appends its rows.
        const all = batches(list);
        return all.reduce(
          (done, batch, i) =>
            done.then(() => {
              if (all.length > 1) $('receiveStatus').textContent = 'Reading batch ' + (i + 1) + ' of ' + all.length + '…';
              return call('receiveInvoices', batch).then((r) => {
                report.received = report.received.concat(r.received);
                report.skipped = report.skipped.concat(r.skipped);
                report.failed = report.failed.concat(r.failed);
              });
            }),
          Promise.resolve(),
        );
      })
      .then(() => {
        const r = report;
        const results = $('receiveResults');
        results.textContent = '';
        for (const x of r.received) {
          item(results, x.file + ': ' + x.supplier + ' ' + x.number + (x.status === 'valid' ? '' : ' (' + x.status + ')'), money(x.payable, x.currency), x.status === 'valid' ? null : 'failed');
        }
        for (const x of r.skipped) item(results, x.file + ': ' + x.reason, null, null);
        for (const x of r.failed) item(results, x.file + ': ' + x.reason, null, 'failed');
        $('receiveStatus').textContent =
          'Read ' +
          r.received.length +
          ' into the Received sheet' +
          (r.skipped.length ? ', ' + r.skipped.length + ' read before' : '') +
          (r.failed.length ? ', ' + r.failed.length + ' not e-invoices' : '') +
          '.';
      })
      .catch(showError)
      .then(() => {
        button('receive').disabled = false;
      });
  });
}
