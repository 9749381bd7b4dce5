/** Wrong arguments or invalid input: exit status 2. */
export class UsageError extends Error {}

/** The query or the source failed: exit status 1. */
export class FailedError extends Error {}
