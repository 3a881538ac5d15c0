// Delivery (documents, previews, mail) for both hosts: the rule set lives in app/delivery/
// (choose.ts: which invoices and files; states.ts: the delivery states and their moves;
// documents.ts and send.ts: the flows; io.ts: running a flow on a synchronous or an asynchronous
// host). This module keeps the names the hosts and tests import.
export * from './delivery/choose';
export * from './delivery/documents';
export * from './delivery/send';
export * from './delivery/states';
export { io, runAsync, runSync, type Io } from './delivery/io';
