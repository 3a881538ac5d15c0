// The delivery states of an invoice and the moves between them. The sheet holds a DeliveryState
// (schema.ts: queued | sending | sent | failed, or empty); "uncertain" is what a later call calls
// an invoice it finds still "sending": its mail may or may not have gone out. Every mark a
// delivery flow writes goes through `checkMove`, so no path can, say, mark a sent invoice failed.
import type { Invoice } from '../../core/model';
import type { DeliveryState } from '../../core/schema';

/** What a delivery call sees: the sheet's state, with "sending" split into in flight (this call) and uncertain (found). */
export type DeliveryStatus = 'none' | 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

/** Where each status may go. */
export const TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryState[]>> = {
  // Not sent yet: queued for later, marked before its mail goes out, failed, or confirmed by the user.
  none: ['queued', 'sending', 'failed', 'sent'],
  queued: ['queued', 'sending', 'failed', 'sent'],
  failed: ['queued', 'sending', 'failed', 'sent'],
  // In flight in this call: delivered, refused, not tried after all (queued), or no answer (stays: uncertain next time).
  sending: ['sent', 'failed', 'queued', 'sending'],
  // Found "sending": only an explicit resend (sending, or queued when today's quota is used up) or
  // the user's mark-sent moves it; it is never failed, and never queued by a send that did not name it.
  uncertain: ['sending', 'queued', 'sent'],
  // Sent: only an explicit resend (or a mark-sent again) touches it; it never becomes failed.
  sent: ['sending', 'queued', 'sent'],
};

/** The status of an invoice as read at the start of a call. */
export function statusAtStart(inv: Invoice): DeliveryStatus {
  if (!inv.delivery) return 'none';
  return inv.delivery === 'sending' ? 'uncertain' : inv.delivery;
}

/** Throws when a flow would make a move the table forbids (a bug, never a user's error). */
export function checkMove(inv: Invoice, from: DeliveryStatus, to: DeliveryState): void {
  if (!TRANSITIONS[from].includes(to)) throw new Error(`delivery of ${inv.number ?? inv.invoiceId}: ${from} → ${to} is not an allowed move`);
}

/**
 * What a mail that was not sent leaves behind: "failed", except for an explicit resend, which
 * keeps what the invoice was before (sent, or uncertain: still "sending").
 */
export function notSent(before: DeliveryStatus): DeliveryState {
  return before === 'sent' ? 'sent' : before === 'uncertain' ? 'sending' : 'failed';
}
