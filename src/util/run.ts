// Starts an external program by absolute path with an argument vector (never a shell).
import { spawnSync } from 'node:child_process';

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')} failed (exit ${status ?? 'signal'}): ${stderr.trim() || 'no output'}`);
  }
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(argv: readonly string[], input?: string): RunResult {
  const [file, ...args] = argv;
  if (!file?.startsWith('/')) throw new Error(`run: "${file}" is not an absolute path`);
  const result = spawnSync(file, args, { input: input ?? '', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
  if (result.error) throw new CommandError(argv, null, result.error.message);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs and returns stdout; throws CommandError when the program fails. */
export function runChecked(argv: readonly string[], input?: string): string {
  const result = run(argv, input);
  if (result.status !== 0) throw new CommandError(argv, result.status, result.stderr);
  return result.stdout;
}
