// The few error kinds the entry points map to exit codes.

/** Wrong command line or configuration: nothing was changed. Exit 2. */
export class UsageError extends Error {}

/** The kernel does not hold what was applied. Exit 1. */
export class VerifyError extends Error {}

export function exitCodeOf(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}
