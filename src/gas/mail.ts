// Invoice email through MailApp: sent from the signed-in user's Gmail, PDF attached from Drive.
// MailApp (scope script.send_mail) can send but never read the mailbox, unlike GmailApp.
import type { MailPort } from '../ports';
import { fileIdOf } from './documents';

export const gasMail: MailPort = {
  remainingQuota: () => MailApp.getRemainingDailyQuota(),
  send(m, attachmentUrls) {
    const attachments = attachmentUrls.map((u) => DriveApp.getFileById(fileIdOf(u) ?? u).getBlob());
    MailApp.sendEmail({
      to: m.to.join(','),
      ...(m.cc.length ? { cc: m.cc.join(',') } : {}),
      ...(m.bcc.length ? { bcc: m.bcc.join(',') } : {}),
      subject: m.subject,
      body: m.text,
      htmlBody: m.html,
      name: m.from.name,
      // Replies go to the Settings' reply-to, else the company's email, not to whoever clicked Send.
      ...((m.replyTo ?? m.from.address) ? { replyTo: (m.replyTo ?? m.from.address)! } : {}),
      attachments,
    });
  },
};
