// No shell between a value and a command: every program uplink-lb starts is named by an
// absolute path constant and started with an argument vector. A guard over the source, so a
// later change that reaches for exec() or `shell: true` fails here, not on a router.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as paths from '../../../src/paths.js';

const SRC = resolve('src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The files that start programs, and how: only spawn/spawnSync, never a shell form. */
const STARTERS = new Set(['util/run.ts', 'util/lock.ts', 'health/prober-icmp.ts', 'entry/confirm.ts', 'events/hooks.ts', 'events/announce.ts', 'kernel/monitor.ts']);

describe('no shell', () => {
  it('names every program by an absolute path', () => {
    const programs = [paths.IP, paths.FLOCK, paths.LOGGER, paths.PING, paths.SETPRIV, paths.NFT, paths.CONNTRACK];
    for (const program of programs) expect(program).toMatch(/^\/usr\/s?bin\/[a-z]+$/);
  });

  it('starts programs only with spawn/spawnSync and an argument vector, in known files', () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const name = relative(SRC, file);
      const text = readFileSync(file, 'utf8');
      if (!text.includes('node:child_process')) continue;
      found.push(name);
      const imported = /import \{([^}]*)\} from 'node:child_process'/.exec(text)?.[1] ?? '';
      for (const fn of imported.split(',').map((s) => s.trim()).filter(Boolean)) {
        expect(['spawn', 'spawnSync'], `${name} imports ${fn}`).toContain(fn);
      }
      expect(text, `${name} asks for a shell`).not.toMatch(/shell\s*:/);
    }
    expect(found.sort()).toEqual([...STARTERS].sort());
  });
});
