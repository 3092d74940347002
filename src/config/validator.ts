// Collects problems while reading per-uplink columns of values.
import type { RawValue, RawValues } from './collect.js';
import type { KeyName } from './keys.js';
import type { ConfigProblem } from './types.js';
import type { Check } from './checkers.js';

interface Column<T> {
  key: KeyName;
  check: Check<T>;
  fallback: (index: number) => T;
}

export class Validator {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly raw: RawValues) {}

  where(key: KeyName): string {
    return this.raw[key]?.where ?? `(default ${key})`;
  }

  report(key: KeyName, message: string): void {
    this.problems.push({ where: this.where(key), message });
  }

  column<T>(count: number, { key, check, fallback }: Column<T>): (T | undefined)[] {
    const given: RawValue | undefined = this.raw[key];
    if (!given) return Array.from({ length: count }, (_, i) => fallback(i));
    if (given.values.length !== count) {
      this.report(key, `${key} has ${given.values.length} ${given.values.length === 1 ? 'entry' : 'entries'} but IFACE_DEVICE has ${count}: entry i of every array belongs to uplink i`);
    }
    return Array.from({ length: count }, (_, i) => {
      const text = given.values[i];
      if (text === undefined) return undefined;
      const checked = check(text);
      if ('problem' in checked) {
        this.report(key, `${key}[${i}]: ${checked.problem}`);
        return undefined;
      }
      return checked.value;
    });
  }

  unique<T>(key: KeyName, values: readonly (T | undefined)[], show: (v: T) => string, ignore?: (v: T) => boolean): void {
    const seen = new Map<T, number>();
    values.forEach((value, i) => {
      if (value === undefined || ignore?.(value)) return;
      const first = seen.get(value);
      if (first !== undefined) this.report(key, `${key}[${i}]: ${show(value)} is already used by uplink ${first}`);
      else seen.set(value, i);
    });
  }
}

