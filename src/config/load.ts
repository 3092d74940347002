// Reads the configuration file, the environment and iproute2's name files, and validates.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lex } from './lexer.js';
import { collectFromFile, overlayEnvironment, type RawValues } from './collect.js';
import { parseTableNames } from './rt-tables.js';
import { validate, type Lookups } from './validate.js';
import type { Config, ConfigProblem } from './types.js';
import { IPROUTE2_DIR } from '../paths.js';

const MAX_FILE_BYTES = 1024 * 1024;

/** Like sshd: a file that steers a root tool must not be changeable by anyone but its owner,
 *  and the owner must be root (or whoever runs the tool). Pure. */
export function permissionProblem(ownerUid: number, mode: number, runningUid: number): string | undefined {
  if (ownerUid !== 0 && ownerUid !== runningUid) return `is owned by uid ${ownerUid}, not root: refused (fix: chown root:root PATH)`;
  if ((mode & 0o022) !== 0) return `is writable by group or others (mode ${(mode & 0o777).toString(8)}): refused (fix: chmod go-w PATH)`;
  return undefined;
}

export interface LoadResult {
  config?: Config;
  problems: ConfigProblem[];
  /** The devices named in the file, when that much could be read (lets the hook ignore other interfaces). */
  devices?: string[];
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function readNameFiles(base: string): string[] {
  const texts = [readOptional(join(base, 'rt_tables'))];
  try {
    for (const name of readdirSync(join(base, 'rt_tables.d')).sort()) {
      if (name.endsWith('.conf')) texts.push(readOptional(join(base, 'rt_tables.d', name)));
    }
  } catch {
    // no rt_tables.d: only rt_tables names
  }
  return texts;
}

function readProtocols(base: string): Map<string, number> {
  const texts = [readOptional(join(base, 'rt_protos'))];
  try {
    for (const name of readdirSync(join(base, 'rt_protos.d')).sort()) {
      if (name.endsWith('.conf')) texts.push(readOptional(join(base, 'rt_protos.d', name)));
    }
  } catch {
    // no rt_protos.d
  }
  const names = parseTableNames(texts);
  for (const [name, number] of [['kernel', 2], ['boot', 3], ['static', 4], ['dhcp', 16]] as const) {
    if (!names.has(name)) names.set(name, number);
  }
  return names;
}

function readLookups(iproute2Dir = IPROUTE2_DIR): Lookups {
  return { tableNames: parseTableNames(readNameFiles(iproute2Dir)), protocols: readProtocols(iproute2Dir) };
}

/** Decodes the file, reporting the line of the first byte that is not UTF-8. */
function decode(path: string, bytes: Buffer): { text?: string; problem?: ConfigProblem } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    let line = 1;
    for (let start = 0; start < bytes.length; ) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end === -1 ? bytes.length : end;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, stop));
      } catch {
        break;
      }
      start = stop + 1;
      line++;
    }
    return { problem: { where: `${path}:${line}`, message: 'the line is not valid UTF-8 text' } };
  }
}

/** Parses configuration text; pure apart from what `lookups` carries. */
export function parseConfigText(path: string, text: string, env: Readonly<Record<string, string | undefined>>, lookups: Lookups): LoadResult {
  if (text.includes('\0')) {
    const line = text.slice(0, text.indexOf('\0')).split('\n').length;
    return { problems: [{ where: `${path}:${line}`, message: 'the file contains a NUL byte: it is not a text file' }] };
  }
  const lexed = lex(text);
  const problems: ConfigProblem[] = lexed.errors.map((e) => ({ where: `${path}:${e.line}`, message: e.message }));
  const collected = collectFromFile(path, lexed.assignments);
  problems.push(...collected.problems);
  const raw: RawValues = overlayEnvironment(collected.raw, env);
  // a file read to its end that sets no IFACE_DEVICE (the shipped one, all comments) names no
  // interface: the hooks leave every interface alone until it does
  const devices = raw.IFACE_DEVICE?.values ?? (lexed.errors.length === 0 ? [] : undefined);
  if (lexed.errors.length > 0) return devices ? { problems, devices } : { problems };
  const validated = validate(path, raw, lookups, text);
  problems.push(...validated.problems);
  const result: LoadResult = { problems };
  if (devices) result.devices = devices;
  if (problems.length === 0 && validated.config) result.config = validated.config;
  return result;
}

export function loadConfig(path: string, env: Readonly<Record<string, string | undefined>>, lookups: Lookups = readLookups()): LoadResult {
  let bytes: Buffer;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { problems: [{ where: path, message: 'is a directory, not a configuration file' }] };
    if (!stat.isFile()) return { problems: [{ where: path, message: 'is not a regular file (a device, fifo or socket): refused' }] };
    const permission = permissionProblem(stat.uid, stat.mode, process.getuid?.() ?? 0);
    if (permission) return { problems: [{ where: path, message: permission.replaceAll('PATH', path) }] };
    if (stat.size > MAX_FILE_BYTES) return { problems: [{ where: path, message: `is ${stat.size} bytes; a configuration file over ${MAX_FILE_BYTES} bytes is refused` }] };
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { problems: [{ where: path, message: code === 'ENOENT' ? 'does not exist (write one, see the README, or pass --config)' : `cannot be read (${code})` }] };
  }
  const decoded = decode(path, bytes);
  if (decoded.text === undefined) return { problems: decoded.problem ? [decoded.problem] : [] };
  return parseConfigText(path, decoded.text, env, lookups);
}
