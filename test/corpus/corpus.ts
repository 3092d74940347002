// The broken-configuration corpus: every file under test/corpus/config with the messages it
// must produce (NAME.expect, FILE standing for the path), plus the cases that cannot live in
// git as files (a huge file, a directory, a fifo, loose permissions, a foreign owner, no file).
// Each case is materialised as DIR/NAME/uplink-lb, exactly as it would sit in /etc/default.
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const CORPUS = resolve('test/corpus/config');
export const CONFIG_NAME = 'uplink-lb';

export interface CorpusCase {
  name: string;
  /** The case's directory; the configuration is at DIR/uplink-lb (absent for "missing"). */
  dir: string;
  /** The messages, with FILE where the configuration's path goes. */
  expected: string[];
}

const VALID = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const HUGE_BYTES = 2 * 1024 * 1024;

interface Generated {
  name: string;
  make: (path: string) => void;
  expected: string[];
}

const GENERATED: Generated[] = [
  {
    name: 'g01-huge-file',
    make: (path) => writeFileSync(path, VALID + '#'.repeat(HUGE_BYTES - VALID.length - 1) + '\n', { mode: 0o600 }),
    expected: [`FILE: is ${HUGE_BYTES} bytes; a configuration file over 1048576 bytes is refused`],
  },
  { name: 'g02-directory', make: (path) => mkdirSync(path, { mode: 0o700 }), expected: ['FILE: is a directory, not a configuration file'] },
  {
    name: 'g03-fifo',
    make: (path) => execFileSync('/usr/bin/mkfifo', ['-m', '600', path]),
    expected: ['FILE: is not a regular file (a device, fifo or socket): refused'],
  },
  {
    name: 'g04-group-writable',
    make: (path) => {
      writeFileSync(path, VALID);
      chmodSync(path, 0o664);
    },
    expected: ['FILE: is writable by group or others (mode 664): refused (fix: chmod go-w FILE)'],
  },
  {
    name: 'g05-world-writable',
    make: (path) => {
      writeFileSync(path, VALID);
      chmodSync(path, 0o606);
    },
    expected: ['FILE: is writable by group or others (mode 606): refused (fix: chmod go-w FILE)'],
  },
  {
    name: 'g06-foreign-owner',
    make: (path) => {
      writeFileSync(path, VALID, { mode: 0o644 });
      chownSync(path, 65534, 65534);
    },
    expected: ['FILE: is owned by uid 65534, not root: refused (fix: chown root:root FILE)'],
  },
  { name: 'g07-missing', make: () => undefined, expected: ['FILE: does not exist (write one, see the README, or pass --config)'] },
];

/** Writes every case under `root` (emptied first) and returns them in order. */
export function materializeCorpus(root: string): CorpusCase[] {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const file of corpusFiles()) {
    const dir = join(root, file.slice(0, -'.conf'.length));
    mkdirSync(dir);
    copyFileSync(join(CORPUS, file), join(dir, CONFIG_NAME));
    chmodSync(join(dir, CONFIG_NAME), 0o600);
  }
  for (const g of GENERATED) {
    mkdirSync(join(root, g.name));
    g.make(join(root, g.name, CONFIG_NAME));
  }
  return corpusCases(root);
}

/** The cases as `materializeCorpus(root)` made them under ROOT, without touching ROOT (a run
 *  in the background may be reading it). */
export function corpusCases(root: string): CorpusCase[] {
  const files = corpusFiles().map((file) => {
    const name = file.slice(0, -'.conf'.length);
    const expected = readFileSync(join(CORPUS, `${name}.expect`), 'utf8').split('\n').filter((l) => l !== '');
    return { name, dir: join(root, name), expected };
  });
  return [...files, ...GENERATED.map((g) => ({ name: g.name, dir: join(root, g.name), expected: g.expected }))];
}

function corpusFiles(): string[] {
  return readdirSync(CORPUS).filter((f) => f.endsWith('.conf')).sort();
}

/** The expected messages for a configuration at `path` (each FILE, but not the end of a key
 *  such as HA_TRACK_FILE). */
export function expectedAt(c: CorpusCase, path: string): string[] {
  return c.expected.map((line) => line.replace(/(?<!_)FILE/g, path));
}
