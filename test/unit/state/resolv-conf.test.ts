// The resolver file is replaced in place (its inode kept: a bind mount keeps showing it), its
// modification time always past the last one, and the file before uplink-lb is kept once, listed
// for putting back, and shelved where a person finds it when someone else replaced the file.
import { beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { keepOriginal, keptOriginals, readResolvFile, shelveOriginal } from '../../../src/state/resolv-conf.js';
import { replaceInPlace } from '../../../src/state/in-place.js';

const DIR = resolve('test/.state/unit-resolv');
const FILE = join(DIR, 'etc/resolv.conf');
const STATE = join(DIR, 'state');

describe('the resolver file on disk', () => {
  beforeEach(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(join(DIR, 'etc'), { recursive: true });
  });

  it('is replaced in place, shorter or longer, with a modification time past the one given', () => {
    writeFileSync(FILE, 'nameserver 192.0.2.52\nsearch a.very.long.example.org\n');
    const inode = statSync(FILE).ino;
    const now = Math.floor(Date.now() / 1000);
    expect(replaceInPlace(FILE, 'nameserver 192.0.2.51\n', now + 5)).toBe(now + 6);
    expect(readFileSync(FILE, 'utf8')).toBe('nameserver 192.0.2.51\n');
    expect(statSync(FILE).ino).toBe(inode);
    expect(Math.floor(statSync(FILE).mtimeMs / 1000)).toBe(now + 6);
    replaceInPlace(FILE, 'nameserver 192.0.2.51\nnameserver 192.0.2.52\n', 0);
    expect(readResolvFile(FILE)).toMatchObject({ kind: 'file', text: 'nameserver 192.0.2.51\nnameserver 192.0.2.52\n' });
  });

  it('is told apart from a link and from nothing', () => {
    expect(readResolvFile(FILE)).toEqual({ kind: 'missing' });
    symlinkSync('../run/systemd/resolve/stub-resolv.conf', FILE);
    expect(readResolvFile(FILE)).toEqual({ kind: 'link', target: '../run/systemd/resolve/stub-resolv.conf' });
  });

  it('has its original kept once, listed by path, and shelved on demand', () => {
    keepOriginal('/etc/resolv.conf', 'nameserver 10.0.0.1\n', STATE);
    keepOriginal('/etc/resolv.conf', 'nameserver 192.0.2.52\n', STATE);
    keepOriginal('/etc/dnsmasq.resolv', '', STATE);
    expect(keptOriginals(STATE)).toEqual(new Map([['/etc/dnsmasq.resolv', ''], ['/etc/resolv.conf', 'nameserver 10.0.0.1\n']]));
    const shelved = shelveOriginal('/etc/resolv.conf', STATE);
    expect(readFileSync(shelved, 'utf8')).toBe('nameserver 10.0.0.1\n');
    expect(existsSync(join(STATE, 'orig/etc/resolv.conf'))).toBe(false);
    expect([...keptOriginals(STATE).keys()]).toEqual(['/etc/dnsmasq.resolv']);
  });
});
