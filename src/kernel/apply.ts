// Applies a plan with one `ip -batch -` run: the only code that changes the kernel.
import { IP } from '../paths.js';
import { run, CommandError } from '../util/run.js';
import type { Plan } from '../plan/diff.js';

export function applyPlan(plan: Plan): void {
  if (plan.changes.length === 0) return;
  const argv = [IP, '-batch', '-'];
  const result = run(argv, plan.changes.map((c) => c.command).join('\n') + '\n');
  if (result.status !== 0) throw new CommandError(argv, result.status, result.stderr);
}
