// With Settings Usage Lines = each, an invoice lists its usage in the order it happened: by date,
// then by transaction id in natural order (T2 before T10), across products and prices, not
// grouped by product as the aggregated lines are.
import { runInvoicing } from '../../src/app/runInvoicing';
import type { Cell } from '../../src/core/cells';
import { DE_TENANT, NOV, account, linesOf, ports, product, subscription } from './helpers';

const tx = (id: string, productId: string, date: string, extra: Record<string, Cell> = {}) => ({ transactionId: id, subscriptionId: 'S1', productId, date, quantity: 1, ...extra });

describe('usage lines one each', () => {
  it('are sorted by date, then transaction id, whatever their product and price', () => {
    const p = ports({
      Settings: [{ ...DE_TENANT, usageLines: 'each' }],
      Accounts: [account('A1')],
      Products: [product('API', '0.50', { unit: 'C62' }), product('SMS', '0.10', { unit: 'C62' })],
      Subscriptions: [subscription('S1', 'A1')],
      Transactions: [
        tx('T10', 'API', '2026-11-20'),
        tx('T3', 'SMS', '2026-11-25'),
        tx('T9', 'API', '2026-11-03'),
        tx('T2', 'SMS', '2026-11-03'),
        tx('T11', 'API', '2026-11-03', { unitPrice: '0.40' }),
        tx('T1', 'SMS', '2026-11-28'),
      ],
    });
    const run = runInvoicing(p, NOV);
    expect(run.failed).toEqual([]);
    expect(linesOf(p, run.drafts[0].invoiceId).map((l) => [l['Service Start'], l['Transactions'], l['Product ID']])).toEqual([
      ['2026-11-03', 'T2', 'SMS'],
      ['2026-11-03', 'T9', 'API'],
      ['2026-11-03', 'T11', 'API'],
      ['2026-11-20', 'T10', 'API'],
      ['2026-11-25', 'T3', 'SMS'],
      ['2026-11-28', 'T1', 'SMS'],
    ]);
  });
});
