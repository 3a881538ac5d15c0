/** A billing problem with one subscription or invoice; reported, never fatal to the others. */
export class BillingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BillingError';
  }
}
