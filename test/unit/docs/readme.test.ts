// The README and docs/ stay true: every configuration example in them is valid, every link
// between them reaches a file and a heading that exist, the configuration reference names
// every key the code declares (and no other), and the README stays short enough to read.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYS } from '../../../src/config/keys.js';
import { problemsOf } from '../helpers.js';

const FILES = ['README.md', 'DESIGN.md', ...readdirSync(resolve('docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const text = (file: string): string => readFileSync(resolve(file), 'utf8');

/** The fenced blocks of a Markdown text. */
const blocks = (md: string): string[] => [...md.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');

/** GitHub's anchor of a heading: lower case, punctuation gone, spaces to dashes. */
const anchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string): Set<string> => new Set([...text(file).matchAll(/^#{1,6} (.*)$/gm)].map((m) => anchor(m[1] ?? '')));

describe('README and docs', () => {
  it('every configuration example is a valid configuration', () => {
    const examples = FILES.flatMap((file) =>
      blocks(text(file))
        .filter((b) => /^IFACE_DEVICE=/m.test(b))
        .map((b) => ({ file, block: b })),
    );
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const { file, block } of examples) expect(problemsOf(block), `${file}:\n${block}`).toEqual([]);
  });

  it('every link between them reaches a file and a heading that exist', () => {
    let links = 0;
    for (const file of FILES) {
      for (const m of text(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1] ?? '';
        if (/^[a-z]+:/.test(target)) continue;
        links++;
        const [path = '', hash] = target.split('#');
        const resolved = path === '' ? resolve(file) : resolve(dirname(resolve(file)), path);
        expect(existsSync(resolved), `${file}: ${target}`).toBe(true);
        if (hash !== undefined && statSync(resolved).isFile()) expect(anchorsOf(resolved), `${file}: ${target}`).toContain(hash);
      }
    }
    expect(links).toBeGreaterThan(10);
  });

  it('docs/configuration.md names every key the code declares, and no other', () => {
    const named = new Set<string>();
    // a row may name several keys: `CHECK_COUNT`, `CHECK_DOWN`, `CHECK_UP`
    for (const m of text('docs/configuration.md').matchAll(/^\| ((?:`[A-Z][A-Z0-9_]*`(?:, | \/ )?)+) \|/gm)) for (const k of (m[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)) named.add(k[1] ?? '');
    expect([...named].sort()).toEqual(Object.keys(KEYS).sort());
  });

  it('the README is under 25 KB: what a router owner reads, the rest in docs/', () => {
    expect(text('README.md').length).toBeLessThan(25_000);
  });
});
