// Applies a plan: one `ip -batch -` run for rules and routes, then one nft transaction for
// uplink-lb's table. The only code that changes the kernel's routing.
import { IP } from '../paths.js';
import { run, CommandError } from '../util/run.js';
import type { Plan } from '../plan/diff.js';
import { applyNft } from './nft.js';
import { batchInput, renderPlan } from '../plan/render.js';

export function applyPlan(plan: Plan): void {
  const { ipLines, nftInput } = renderPlan(plan);
  if (ipLines !== undefined) {
    const argv = [IP, '-batch', '-'];
    const result = run(argv, batchInput(ipLines));
    if (result.status !== 0) {
      // ip -batch stops at the first failing line and names it: "Command failed -:N"
      const line = /Command failed -:(\d+)/.exec(result.stderr)?.[1];
      const failed = line === undefined ? undefined : ipLines[Number(line) - 1];
      const lines = failed === undefined ? '' : ` (at \`ip ${failed}\`, after ${Number(line) - 1} of ${ipLines.length} commands had been applied)`;
      throw new CommandError(argv, result.status, `${result.stderr.trim()}${lines}`);
    }
  }
  if (nftInput !== undefined) applyNft(nftInput);
}
