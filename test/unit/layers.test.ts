// Imports point down the pipeline: a folder imports only from folders below it (or itself).
// Read from the source, so a new upward import fails here, naming the file and the import.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
/** Bottom to top. paths.ts (install-time locations) sits with util. */
const LAYERS = ['util', 'kernel', 'config', 'plan', 'health', 'pair', 'state', 'events', 'report', 'pipeline', 'entry', 'main'];

const layerOf = (file: string): number => {
  const [first = ''] = relative(SRC, file).split('/');
  const name = first.endsWith('.ts') ? first.slice(0, -3) : first;
  return name === 'paths' ? 0 : LAYERS.indexOf(name);
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('layers', () => {
  it('every source file is in a known layer', () => {
    expect(sources(SRC).filter((f) => layerOf(f) < 0).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no import points up the pipeline', () => {
    const upward: string[] = [];
    for (const file of sources(SRC)) {
      for (const [, target = ''] of readFileSync(file, 'utf8').matchAll(/^import [^;]*? from '(\.[^']+)';/gm)) {
        const imported = resolve(file, '..', target.replace(/\.js$/, '.ts'));
        if (layerOf(imported) > layerOf(file)) upward.push(`${relative(SRC, file)} imports ${relative(SRC, imported)}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
