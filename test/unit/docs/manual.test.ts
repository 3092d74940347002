// The manual pages render without a warning at any width, and they, --help and the bash
// completion name every command, option and configuration key the code declares.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYS } from '../../../src/config/keys.js';
import { COMMANDS, HELP, OPTIONS } from '../../../src/entry/usage.js';
import { STATUS_EXIT } from '../../../src/report/verdict.js';

const PAGES = ['man/uplink-lb.8', 'man/uplink-lb.conf.5'].map((p) => resolve(p));
const page = (i: number): string => readFileSync(PAGES[i] ?? '', 'utf8');
/** The page as man(1) shows it, with roff's escapes gone. */
const rendered = (path: string, width = 80): { text: string; warnings: string } => {
  const r = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', path], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8', MANWIDTH: String(width), MAN_KEEP_FORMATTING: '', MANPAGER: 'cat', PAGER: 'cat' } });
  if (r.error) throw r.error;
  return { text: r.stdout.replace(/\u2010/g, '-'), warnings: r.stderr };
};
/** Commands a person types (the hook helpers, and keepalived's ha-notify, are named in the
 *  manual but not completed). */
const TYPED = COMMANDS.filter((c) => !c.includes('hook') && !c.startsWith('dhclient') && !c.startsWith('dispatch') && c !== 'ha-notify');

describe('manual pages', () => {
  it.each(PAGES)('%s renders without warnings at 60, 80 and 120 columns', (path) => {
    for (const width of [60, 80, 120]) {
      const { text, warnings } = rendered(path, width);
      expect(warnings, `${path} at ${width}`).toBe('');
      expect(text.length).toBeGreaterThan(1000);
    }
  });

  it('uplink-lb(8) names every command, option and exit code, as --help does', () => {
    const text = rendered(PAGES[0] ?? '').text;
    for (const command of COMMANDS) {
      expect(text, command).toContain(command);
      expect(HELP, command).toContain(`  ${command}`);
    }
    for (const option of Object.keys(OPTIONS)) {
      expect(text, option).toContain(`--${option}`);
      expect(HELP, option).toContain(`--${option}`);
    }
    for (const code of Object.values(STATUS_EXIT)) expect(text).toMatch(new RegExp(`^ {7}${code}\\s`, 'm'));
    expect(text).toMatch(/^ {7}2\s/m);
  });

  it('uplink-lb.conf(5) documents every configuration key', () => {
    const text = rendered(PAGES[1] ?? '').text;
    expect(Object.keys(KEYS).filter((key) => !text.includes(key))).toEqual([]);
    // and nothing that is not a key
    const named = new Set(page(1).match(/^\.B ([A-Z][A-Z_]+)$/gm)?.map((l) => l.slice(3)) ?? []);
    expect([...named].filter((k) => !(k in KEYS))).toEqual([]);
  });
});

describe('bash completion', () => {
  const complete = (line: string): string[] => {
    const words = line.split(' ');
    const script = [
      'source /usr/share/bash-completion/bash_completion',
      `source ${resolve('hooks/bash-completion')}`,
      `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=${line.length}`,
      `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}`,
      '_uplink_lb; printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((l) => l !== '');
  };

  it('completes the commands, then each command\'s own options', () => {
    expect(complete('uplink-lb ').filter((w) => !w.startsWith('-')).sort()).toEqual([...TYPED].sort());
    expect(complete('uplink-lb st')).toEqual(['status']);
    expect(complete('uplink-lb --config /etc/default/uplink-lb ap')).toEqual(['apply']);
    for (const [option, { commands }] of Object.entries(OPTIONS)) {
      for (const command of commands) expect(complete(`uplink-lb ${command} --`), command).toContain(`--${option}`);
    }
    expect(complete('uplink-lb status --')).toEqual(['--json']);
  });
});
