// `npm run sidebar`: the built sidebar on http://127.0.0.1:<port>/ against the fake Apps Script
// runtime holding the demo workbook, to click through in a browser without a Google account.
// SIDEBAR_PORT sets the port (default: any free one); Ctrl-C stops it. Nothing is saved. The demo has
// direct-debit customers and the bank's CSV columns, so Payments, Open items and Collect direct
// debits work once November is run and finalized in the sidebar (SIDEBAR_BILLED=1: already done).
import { receivablesDemo, startPreview } from '../tests/support/sidebarPreview';

async function main() {
  const preview = await startPreview({ port: Number(process.env.SIDEBAR_PORT ?? 0), ss: receivablesDemo({ billed: process.env.SIDEBAR_BILLED === '1' }) });
  console.log(`The sidebar on the demo workbook (as ${preview.ss.owner}, on ${new Date(preview.ss.now()).toISOString().slice(0, 10)}): ${preview.url}`);
  console.log('Fake Drive files (PDFs, previews): the link ends in /file/d/<id>/view; open them at ' + `${preview.url}drive/<id>. Ctrl-C stops.`);
  const stop = () => {
    preview.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
