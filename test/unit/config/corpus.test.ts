// Every broken configuration of the corpus gives exactly its located messages and no Config.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { formatProblem } from '../../../src/config/types.js';
import { CONFIG_NAME, expectedAt, materializeCorpus } from '../../corpus/corpus.js';
import { LOOKUPS } from '../helpers.js';

const cases = materializeCorpus(resolve('test/.state/corpus-unit'));

describe('broken configuration corpus', () => {
  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const path = join(c.dir, CONFIG_NAME);
    const result = loadConfig(path, {}, LOOKUPS);
    expect(result.config).toBeUndefined();
    expect(result.problems.map(formatProblem)).toEqual(expectedAt(c, path));
  });
});
