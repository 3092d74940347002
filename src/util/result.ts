// A value, or the reason there is none: the one shape that checks, parsers and record readers
// return. A problem reads after the thing it is about ("is not valid JSON").

export type Result<T> = { value: T } | { problem: string };

export const ok = <T>(value: T): Result<T> => ({ value });
export const bad = <T = never>(problem: string): Result<T> => ({ problem });
