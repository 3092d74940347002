// The Debian package the Debian-root tests install: built once (under a lock, since two test
// files may ask at the same time) into test/.state/deb, and rebuilt only when its inputs change.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export function buildDeb(): string {
  mkdirSync('test/.state/deb', { recursive: true });
  const out = execFileSync('flock', ['test/.state/deb.lock', 'make', '-s', 'deb', 'BUILDDIR=test/.state/deb'], { encoding: 'utf8' });
  return out.trim().split('\n').pop() ?? '';
}
