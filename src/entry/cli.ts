// `uplink-lb COMMAND`: apply, status, validate, and the dhclient hook helpers.
import { bootId, monotonicMs, wallIso } from '../util/clock.js';
import minimist from 'minimist';
import { reconcile } from '../pipeline/reconcile.js';
import { assessNow } from '../pipeline/assess.js';
import { buildStatus, formatStatus } from '../report/status.js';
import { Log } from '../util/log.js';
import { exitCodeOf, UsageError } from '../util/errors.js';
import { IP, NFT, VERSION } from '../paths.js';
import { renderPlan, renderScript } from '../plan/render.js';
import { configPath, loadConfiguration, type Env } from './context.js';
import { runDhclientEnter, runDhclientExit } from './dhclient.js';
import { runCheck } from './check.js';
import { runDhcpcdHook } from './dhcpcd.js';
import { runPppHook } from './ppp.js';
import { runHaNotify } from './ha-notify.js';
import { runHook } from './hook.js';
import { printConfig } from '../config/print.js';
import { applyWithConfirm, confirmPending, parseConfirmSeconds, rollbackPending } from './confirm.js';
import { countMark } from '../kernel/conntrack.js';
import { readHashPolicy } from '../kernel/sysctl.js';
import { readTransitions } from '../state/transitions.js';
import type { Config } from '../config/types.js';
import { pairingDifferences } from '../config/pairing.js';
import { COMMANDS, GLOBAL, HELP, OPTIONS, TAKES_INTERFACE, type Command } from './usage.js';
import { runMaintenance } from './maintenance.js';
import { dispatchEvents } from '../events/dispatch.js';
import { describeResolvers, resolvPlan } from '../pipeline/resolvers.js';
import { releaseFilesNow } from '../pipeline/release-files.js';
import { radvdPlan } from '../pipeline/radvd.js';
import type { Desired } from '../plan/desired.js';
import { describeResolvTarget } from '../plan/resolv-conf.js';
import { readConfiguredFile } from '../state/resolv-conf.js';
import { readHaRole, type HaRole } from '../state/ha-role.js';
import { readHaSync, type HaSync } from '../state/ha-sync.js';
import { readTrackFile } from '../state/track-file.js';

const isCommand = (text: string): text is Command => (COMMANDS as readonly string[]).includes(text);

/** status's fact of radvd's configuration, where uplink-lb keeps one (RADVD_CONF). */
function radvdFact(config: Config, want: Desired): { radvd?: NonNullable<ReturnType<typeof radvdPlan>> } {
  const plan = radvdPlan(config, want);
  return plan ? { radvd: plan } : {};
}

/** `validate --peer FILE`: the other router's configuration (a copy, read without this
 *  environment's overrides) must give every uplink the same mark, table and priority. */
function checkPeer(config: Config, path: string, peerPath: string): void {
  if (peerPath === '') throw new UsageError('--peer needs a path: a copy of the other router\'s configuration file');
  const { config: peer } = loadConfiguration({}, peerPath);
  if ('problem' in peer) throw new UsageError(`--peer ${peerPath}: invalid configuration:\n${peer.problem}`);
  const differences = pairingDifferences(config, peer.value);
  if (differences.length > 0) {
    throw new UsageError(`${path} does not pair with ${peerPath} (conntrackd gives the other router each connection with its mark):\n${differences.map((d) => `  ${d}`).join('\n')}`);
  }
}

/** status's fact of the pair, for a router of one. */
function pairFact(config: Config): { pair?: { role?: HaRole; weight?: number; sync?: HaSync } } {
  if (!config.ha) return {};
  const role = readHaRole();
  const weight = readTrackFile(config.ha.trackFile);
  // the check's judgement of this boot (one of another boot, or of no conntrackd, says nothing)
  const sync = config.ha.conntrackdConf ? readHaSync() : undefined;
  return { pair: { ...(role ? { role } : {}), ...(weight === undefined ? {} : { weight }), ...(sync && sync.boot === bootId() ? { sync } : {}) } };
}

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
  const takesInterface = TAKES_INTERFACE.includes(command);
  if (takesInterface && rest.length !== 1) throw new UsageError(`${command} takes one argument, the uplink's interface (e.g. uplink-lb ${command} eth1)`);
  if (command === 'ha-notify') {
    if (rest.length < 3 || rest.length > 4) throw new UsageError(`ha-notify takes keepalived's words for a transition: GROUP|INSTANCE NAME STATE [PRIORITY] (its FIFO reader, LIBDIR/ha-notify, passes them), got: ${rest.join(' ') || 'none'}`);
  } else if (command === 'ppp-hook') {
    if (rest.length !== 1 || (rest[0] !== 'up' && rest[0] !== 'down')) throw new UsageError(`ppp-hook takes one argument, up or down, got: ${rest.join(' ') || 'none'}`);
  } else if (!takesInterface && rest.length > 0) throw new UsageError(`${command} takes no arguments, got: ${rest.join(' ')}`);
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
      if (args.peer !== undefined) checkPeer(config, path, String(args.peer));
      process.stdout.write(`${path}: valid, ${config.uplinks.length} uplink(s): ${config.uplinks.map((u) => u.device).join(', ')}\n`);
      process.stdout.write(`${describeResolvTarget(config, readConfiguredFile(config.resolvConf))}\n`);
      for (const warning of config.warnings) process.stdout.write(`warning: ${warning}\n`);
      if (args.peer !== undefined) process.stdout.write(`pairs with ${String(args.peer)}: the same ${config.uplinks.length} uplink(s), each with the same mark, table and priority\n`);
      return 0;
    }
    case 'apply': {
      const config = requireConfig(path, env);
      const log = new Log(true);
      try {
        if (args['dry-run']) {
          const { plan, desired } = assessNow(config, log);
          // exactly what `apply` would run, as a script
          process.stdout.write(renderScript(renderPlan(plan), IP, NFT));
          if (plan.changes.length === 0) process.stderr.write('uplink-lb: nothing to change\n');
          const resolv = resolvPlan(config, desired);
          if (resolv.action === 'write' || (resolv.action === 'resolvconf' && !resolv.current)) process.stderr.write(`uplink-lb: would write ${resolv.path}: resolvers ${describeResolvers(resolv.list)}\n`);
          const radvd = radvdPlan(config, desired);
          if (radvd && !radvd.current) process.stderr.write(`uplink-lb: would write ${radvd.path}: the LAN prefixes, and reload radvd\n`);
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
      const report = buildStatus(config, observed, desired, plan, health, { pinning: assessment.pinning, pinned, now: monotonicMs(), label: wallIso, transitions: readTransitions(), resolv: resolvPlan(config, desired), ...radvdFact(config, desired), ...pairFact(config), ...(hashPolicy === undefined ? {} : { hashPolicy }) });
      process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
      return report.exitCode;
    }
    case 'check':
      return runCheck(path, args.once === true, env);
    case 'drain':
    case 'undrain':
      return runMaintenance(command, rest[0] ?? '', args.deadline as string | undefined, requireConfig(path, env));
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
    case 'ppp-hook':
      return runPppHook(rest[0], env);
    case 'ha-notify':
      return runHaNotify(rest, path, env);
    case 'release-resolvers': {
      const log = new Log(true);
      try {
        const count = releaseFilesNow(log);
        process.stderr.write(`uplink-lb: ${count === 0 ? 'no resolver file to put back' : `${count} resolver file(s) put back`}\n`);
        return 0;
      } finally {
        log.flush();
      }
    }
    case 'dispatch-events': {
      const log = new Log(false);
      const { config } = loadConfiguration(env, path);
      try {
        if ('problem' in config) {
          log.error(`event hooks: invalid configuration, no hook run:\n${config.problem}`);
          return 2;
        }
        await dispatchEvents(config.value.eventHooksDir, config.value.eventTimeout, log);
        return 0;
      } finally {
        log.flush();
      }
    }
  }
}

