// State files are trusted only when they are root's own regular files; writes never follow
// what is already at the temporary path.
import { beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureRunDir, readStateFile, writeAtomic } from '../../../src/state/rundir.js';
import { EMPTY_RECORD, readHealthRecord, writeHealthRecord } from '../../../src/state/health.js';
import { bootId } from '../../../src/util/clock.js';

const DIR = resolve('test/.state/unit-rundir');

describe('state files', () => {
  beforeEach(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true, mode: 0o700 });
  });

  it('writes 0600 atomically and reads back', () => {
    writeAtomic(join(DIR, 'a'), 'text\n');
    expect(statSync(join(DIR, 'a')).mode & 0o777).toBe(0o600);
    expect(readStateFile(join(DIR, 'a'))).toEqual({ value: 'text\n' });
    expect(readStateFile(join(DIR, 'absent'))).toEqual({});
  });

  it('never writes through a symlink left at the temporary path', () => {
    const victim = join(DIR, 'victim');
    writeFileSync(victim, 'keep\n');
    symlinkSync(victim, join(DIR, `a.${process.pid}.tmp`));
    writeAtomic(join(DIR, 'a'), 'new\n');
    expect(readFileSync(victim, 'utf8')).toBe('keep\n');
    expect(readFileSync(join(DIR, 'a'), 'utf8')).toBe('new\n');
  });

  it('does not trust symlinks, files of other users, or files others can write', () => {
    writeFileSync(join(DIR, 'target'), '{}', { mode: 0o600 });
    symlinkSync(join(DIR, 'target'), join(DIR, 'link'));
    expect(readStateFile(join(DIR, 'link'))).toEqual({ problem: 'is not a regular file (a symlink?): not trusted' });
    writeFileSync(join(DIR, 'loose'), '{}');
    chmodSync(join(DIR, 'loose'), 0o666);
    expect(readStateFile(join(DIR, 'loose'))).toEqual({ problem: 'is writable by group or others (mode 666): not trusted' });
    if (process.getuid?.() === 0) {
      writeFileSync(join(DIR, 'nobody'), '{}', { mode: 0o600 });
      chownSync(join(DIR, 'nobody'), 65534, 65534);
      expect(readStateFile(join(DIR, 'nobody'))).toEqual({ problem: 'is owned by uid 65534, not by the user running uplink-lb: not trusted' });
    }
  });

  it('the run directory: made 0700, tightened when loose, refused when a symlink or not ours', () => {
    const run = join(DIR, 'run');
    ensureRunDir(run);
    expect(statSync(run).mode & 0o777).toBe(0o700);
    chmodSync(run, 0o777);
    ensureRunDir(run);
    expect(statSync(run).mode & 0o777).toBe(0o700);
    const elsewhere = join(DIR, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(DIR, 'linked'));
    expect(() => ensureRunDir(join(DIR, 'linked'))).toThrow(`${join(DIR, 'linked')}: exists and is not a directory`);
    if (process.getuid?.() === 0) {
      chownSync(elsewhere, 65534, 65534);
      expect(() => ensureRunDir(elsewhere)).toThrow(`${elsewhere}: owned by uid 65534, not by the user running uplink-lb; remove it`);
    }
  });

  it('the health record, written every 2 s without looking at its directory, makes the directory again when it is gone', () => {
    const run = join(DIR, 'run');
    const record = { version: 2 as const, boot: bootId(), updated: 1, failOpen: false, uplinks: {} };
    writeHealthRecord(record, run);
    expect(statSync(run).mode & 0o777).toBe(0o700);
    rmSync(run, { recursive: true });
    writeHealthRecord({ ...record, updated: 2 }, run);
    expect(readHealthRecord(() => undefined, run).updated).toBe(2);
    expect(statSync(run).mode & 0o777).toBe(0o700);
    // a record of another boot, or of the version before (wall times), is no record
    writeHealthRecord({ ...record, boot: 'another boot', updated: 3 }, run);
    expect(readHealthRecord(() => undefined, run)).toEqual(EMPTY_RECORD);
    writeFileSync(join(run, 'health.json'), '{"version":1,"updated":1764000000000,"failOpen":false,"uplinks":{}}\n');
    const warnings: string[] = [];
    expect(readHealthRecord((w) => warnings.push(w), run)).toEqual(EMPTY_RECORD);
    expect(warnings).toEqual([]);
  });
});
