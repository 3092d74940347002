// The few error kinds the entry points map to exit codes.

/** Wrong command line or configuration: nothing was changed. Exit 2. */
export class UsageError extends Error {}

/** Applying failed or did not verify; what was owned before has been put back (as far as it
 *  could be). Exit 1. `changes`: how many the failed apply had planned. */
export class ApplyError extends Error {
  constructor(
    message: string,
    readonly changes = 0,
  ) {
    super(message);
  }
}

export function exitCodeOf(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}
