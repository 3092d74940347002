// Records under the run directory are JSON objects of a stated shape (a valibot schema each);
// anything else is not trusted, and the first field that is wrong is named.
import * as v from 'valibot';
import { bad, ok, type Result } from '../util/result.js';
import { readStateFile } from './rundir.js';

export function parseRecord<T>(text: string, schema: v.GenericSchema<unknown, T>): Result<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('is not valid JSON (truncated or garbled)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('is not a JSON object');
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return ok(parsed.output);
  const [issue] = parsed.issues;
  return bad(`has no valid ${v.getDotPath(issue) ?? 'content'} (${String(JSON.stringify(issue.input))})`);
}

/** A number that JSON can hold (not NaN, not infinite). */
export const finite = (): v.GenericSchema<unknown, number> => v.pipe(v.number(), v.finite());

/** The record at `path`: undefined when absent, or why it is not trusted. */
export function readRecord<T>(path: string, schema: v.GenericSchema<unknown, T>): Result<T | undefined> {
  const text = readStateFile(path);
  if ('problem' in text) return text;
  return text.value === undefined ? ok(undefined) : parseRecord(text.value, schema);
}
