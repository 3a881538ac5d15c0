// The Help menu's text: the monthly routine in plain words.
export const HELP = [
  'Billing – how it works',
  '',
  '1. Set up billing sheets (once): creates the sheets, protects the ledger, and makes a Drive folder and a Google Docs invoice template per company in Settings. Restyle the template in Docs as you like; keep its {{placeholders}}.',
  '2. Fill in Settings (your company), Accounts, Contacts (role "invoice" receives the email), Products, Subscriptions and Items; usage goes into Transactions.',
  '3. Open sidebar → Run invoicing: choose the month; drafts appear in Invoices. Preview a draft as PDF; fix data and run again as often as you like (drafts are updated, never doubled).',
  '4. Finalize: drafts get gapless numbers and become immutable. Documents (Doc + PDF, and the e-invoice XML for customers with an E-Invoice Format or a Leitweg-ID) are made in Drive under <folder>/<year>/<month>/.',
  "5. Send: emails go from your Gmail to the account's contacts, PDF attached, within your daily mail quota; the rest waits in the queue for the hourly trigger.",
  '6. Mistakes are corrected with a credit note (Cancel or Credit in the sidebar), never by editing a finalized invoice.',
  '',
  'Schedule (sidebar): an unattended monthly run, optionally finalized and sent. Problems of unattended runs appear in the Log sheet.',
  'Read received e-invoices: pick supplier XRechnung XML or ZUGFeRD / Factur-X PDF files; they go into the Received sheets with their totals checked.',
  'Verify ledger checks the hash chain of all finalized invoices.',
].join('\n');
