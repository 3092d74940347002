// Gathers the raw values of every key from the file's assignments and the environment
// (environment wins), reporting unknown keys, repeated keys and wrong shapes.
import type { Assignment } from './lexer.js';
import { KEYS, isKeyName, type KeyName } from './keys.js';
import type { ConfigProblem } from './types.js';

export interface RawValue {
  values: string[];
  where: string;
}

export type RawValues = Partial<Record<KeyName, RawValue>>;

export function collectFromFile(file: string, assignments: readonly Assignment[]): { raw: RawValues; problems: ConfigProblem[] } {
  const raw: RawValues = {};
  const problems: ConfigProblem[] = [];
  const firstLine = new Map<string, number>();
  for (const a of assignments) {
    const where = `${file}:${a.line}`;
    if (!isKeyName(a.key)) {
      problems.push({ where, message: `unknown key ${a.key} (known: ${Object.keys(KEYS).join(', ')})` });
      continue;
    }
    const earlier = firstLine.get(a.key);
    if (earlier !== undefined) {
      problems.push({ where, message: `${a.key} is set again (first set at line ${earlier})` });
      continue;
    }
    firstLine.set(a.key, a.line);
    if (KEYS[a.key] !== 'array' && a.isArray) {
      problems.push({ where, message: `${a.key} is a single value, not an array: write ${a.key}="..."` });
      continue;
    }
    raw[a.key] = { values: a.values, where };
  }
  return { raw, problems };
}

/** Environment variables with the keys' names override the file; arrays are space-separated. */
export function overlayEnvironment(raw: RawValues, env: Readonly<Record<string, string | undefined>>): RawValues {
  const out: RawValues = { ...raw };
  for (const key of Object.keys(KEYS) as KeyName[]) {
    const value = env[key];
    if (value === undefined) continue;
    const values = KEYS[key] === 'array' ? value.split(/\s+/).filter((v) => v !== '') : [value];
    out[key] = { values, where: `environment ${key}` };
  }
  return out;
}
