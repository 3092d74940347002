// `uplink-lb COMMAND`: apply, status, validate, and the dhclient hook helpers.
import minimist from 'minimist';
import { reconcile } from '../pipeline/reconcile.js';
import { assessNow } from '../pipeline/assess.js';
import { buildStatus, formatStatus } from '../report/status.js';
import { Log } from '../util/log.js';
import { exitCodeOf, UsageError } from '../util/errors.js';
import { DEFAULT_CONFIG, IP, NFT, VERSION } from '../paths.js';
import { renderPlan, renderScript } from '../plan/render.js';
import { configPath, loadConfiguration, type Env } from './context.js';
import { runDhclientEnter, runDhclientExit } from './dhclient.js';
import { runCheck } from './check.js';
import { runDhcpcdHook } from './dhcpcd.js';
import { runHook } from './hook.js';
import { printConfig } from '../config/print.js';
import { applyWithConfirm, confirmPending, parseConfirmSeconds, rollbackPending } from './confirm.js';
import { countMark } from '../kernel/conntrack.js';
import { readHashPolicy } from '../kernel/sysctl.js';
import { readTransitions } from '../state/transitions.js';
import type { Config } from '../config/types.js';

const HELP = `usage: uplink-lb [--config PATH] COMMAND [OPTIONS]

Weighted load balancing and failover over several ISP uplinks with Linux policy routing.

Commands:
  apply [--dry-run | --confirm SECONDS]
                      make the kernel's rules and routes match the configuration now;
                      --dry-run prints what it would run (ip -batch and nft -f input, as a
                      shell script) instead of running it;
                      --confirm: unless \`uplink-lb confirm\` follows within SECONDS (10-3600),
                      put the configuration in force before back into the file and apply it
                      (the unconfirmed file is kept as FILE.unconfirmed)
  confirm             keep what \`apply --confirm\` applied
  rollback [--wait]   undo a pending \`apply --confirm\` now (--wait: at its deadline, unless
                      confirmed first; \`apply --confirm\` starts this)
  status [--json]     each uplink (up, down, unconfigured) and whether the kernel matches
                      the configuration, naming every difference; exit 1 when it does not
  validate [--print]  check the configuration and change nothing; exit 2 when it is invalid;
                      --print writes it out with every key and default as uplink-lb reads it
  check [--once]      probe every uplink through itself in rounds (CHECK_INTERVAL) until the
                      next minute's cron start takes over, draining failed uplinks from the
                      default route and restoring them; --once runs a single round
  dhclient-enter      used by the dhclient enter hook (records the lease)
  dhclient-exit       used by the dhclient exit hook (reconciles after a renewal)
  dhcpcd-hook         used by the dhcpcd hook (records the lease, reconciles)
  ifupdown-hook       used by the if-up.d/if-down.d hook (reads IFACE and MODE)

Options:
  --config PATH       configuration file (default ${DEFAULT_CONFIG}, or $UPLINK_LB_CONFIG)
  -h, --help          this help
  -V, --version       print the version

The ifupdown hook /etc/network/if-up.d/uplink-load-balancing (and if-down.d) is a shell
script that runs \`uplink-lb ifupdown-hook\`, and lets ifup go on if uplink-lb cannot run.
`;

const COMMANDS = ['apply', 'confirm', 'rollback', 'status', 'validate', 'check', 'dhclient-enter', 'dhclient-exit', 'dhcpcd-hook', 'ifupdown-hook'] as const;
type Command = (typeof COMMANDS)[number];

/** Every command's options, declared once: the parser, the "does not apply" check and the
 *  unknown-option check all read this. */
const OPTIONS: Record<string, { kind: 'boolean' | 'string'; commands: readonly Command[] }> = {
  'dry-run': { kind: 'boolean', commands: ['apply'] },
  confirm: { kind: 'string', commands: ['apply'] },
  wait: { kind: 'boolean', commands: ['rollback'] },
  json: { kind: 'boolean', commands: ['status'] },
  print: { kind: 'boolean', commands: ['validate'] },
  once: { kind: 'boolean', commands: ['check'] },
};
const GLOBAL = { string: ['config'], boolean: ['help', 'version'], alias: { h: 'help', V: 'version' } };

const isCommand = (text: string): text is Command => (COMMANDS as readonly string[]).includes(text);

function requireConfig(path: string, env: Env): Config {
  const { config } = loadConfiguration(env, path);
  if ('problem' in config) throw new UsageError(`invalid configuration, nothing changed:\n${config.problem}`);
  return config.value;
}

export async function runCli(argv: readonly string[], env: Env): Promise<number> {
  const names = Object.keys(OPTIONS);
  const known = new Set([...GLOBAL.string, ...GLOBAL.boolean, ...Object.keys(GLOBAL.alias), ...names]);
  const unknown: string[] = [];
  const args = minimist([...argv], {
    string: [...GLOBAL.string, ...names.filter((n) => OPTIONS[n]?.kind === 'string')],
    boolean: [...GLOBAL.boolean, ...names.filter((n) => OPTIONS[n]?.kind === 'boolean')],
    alias: GLOBAL.alias,
    unknown: (arg) => {
      if (arg.startsWith('-') && !known.has(arg.replace(/^-+/, '').split('=')[0] ?? '')) unknown.push(arg);
      return true;
    },
  });
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`uplink-lb ${VERSION}\n`);
    return 0;
  }
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(', ')} (see uplink-lb --help)`);
  const [command, ...rest] = args._.map(String);
  if (!command) throw new UsageError('no command given (see uplink-lb --help)');
  if (!isCommand(command)) throw new UsageError(`unknown command "${command}" (see uplink-lb --help)`);
  if (rest.length > 0) throw new UsageError(`${command} takes no arguments, got: ${rest.join(' ')}`);
  for (const [name, option] of Object.entries(OPTIONS)) {
    if (args[name] !== undefined && args[name] !== false && !option.commands.includes(command)) throw new UsageError(`--${name} does not apply to ${command}`);
  }
  if (args['dry-run'] && args.confirm !== undefined) throw new UsageError('--dry-run and --confirm do not go together');
  if (args.config === '') throw new UsageError('--config needs a path');
  const path = configPath(args.config as string | undefined, env);

  switch (command) {
    case 'validate': {
      const config = requireConfig(path, env);
      if (args.print) {
        process.stdout.write(printConfig(config));
        return 0;
      }
      process.stdout.write(`${path}: valid, ${config.uplinks.length} uplink(s): ${config.uplinks.map((u) => u.device).join(', ')}\n`);
      for (const warning of config.warnings) process.stdout.write(`warning: ${warning}\n`);
      return 0;
    }
    case 'apply': {
      const config = requireConfig(path, env);
      const log = new Log(true);
      try {
        if (args['dry-run']) {
          const { plan } = assessNow(config, log);
          // exactly what `apply` would run, as a script
          process.stdout.write(renderScript(renderPlan(plan), IP, NFT));
          if (plan.changes.length === 0) process.stderr.write('uplink-lb: nothing to change\n');
          return 0;
        }
        if (args.confirm !== undefined) return applyWithConfirm(config, path, parseConfirmSeconds(String(args.confirm)), log);
        const result = reconcile(config, log);
        if (result.applied.length === 0) process.stderr.write('uplink-lb: nothing to change\n');
        return 0;
      } catch (err) {
        // to syslog too, like a failed hook, dhclient or check run (the log writes stderr)
        if (err instanceof UsageError) throw err;
        log.error(`apply: ${(err as Error).message}`);
        return exitCodeOf(err);
      } finally {
        log.flush();
      }
    }
    case 'status': {
      const config = requireConfig(path, env);
      const log = new Log(true);
      const assessment = assessNow(config, log);
      const { observed, desired, plan, health } = assessment;
      const pinned = new Map(config.uplinks.map((u) => [u.device, assessment.pinning ? countMark(u.mark) : null]));
      const hashPolicy = readHashPolicy();
      const report = buildStatus(config, observed, desired, plan, health, { pinning: assessment.pinning, pinned, now: Date.now(), transitions: readTransitions(), ...(hashPolicy === undefined ? {} : { hashPolicy }) });
      process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
      return report.exitCode;
    }
    case 'check':
      return runCheck(path, args.once === true, env);
    case 'confirm':
    case 'rollback': {
      const log = new Log(true);
      try {
        return command === 'confirm' ? confirmPending(log) : await rollbackPending(args.wait === true, log);
      } finally {
        log.flush();
      }
    }
    case 'dhclient-enter':
      return runDhclientEnter(env);
    case 'dhclient-exit':
      return runDhclientExit(env);
    case 'dhcpcd-hook':
      return runDhcpcdHook(env);
    case 'ifupdown-hook':
      return runHook(env);
  }
}

