import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { beatlensHome, dataRoot, defaultStorePath, projectRoot } from '../src-main/paths';

const saved = { home: process.env.BEATLENS_HOME, data: process.env.BEATLENS_DATA };
afterEach(() => {
  for (const [k, v] of [
    ['BEATLENS_HOME', saved.home],
    ['BEATLENS_DATA', saved.data],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('paths', () => {
  it('defaults to ~/.beatlens and ../shared/data beside the project', () => {
    delete process.env.BEATLENS_HOME;
    delete process.env.BEATLENS_DATA;
    expect(beatlensHome()).toBe(join(homedir(), '.beatlens'));
    expect(defaultStorePath()).toBe(join(homedir(), '.beatlens', 'beatlens.sqlite'));
    expect(dataRoot()).toBe(resolve(projectRoot, '..', 'shared', 'data'));
    expect(resolve(projectRoot, 'src-main', 'paths.ts')).toBe(
      resolve(__dirname, '../src-main/paths.ts'),
    );
  });

  it('follows BEATLENS_HOME and BEATLENS_DATA, made absolute', () => {
    process.env.BEATLENS_HOME = 'rel/home';
    process.env.BEATLENS_DATA = '/data/ecg';
    expect(defaultStorePath()).toBe(resolve('rel/home', 'beatlens.sqlite'));
    expect(dataRoot()).toBe('/data/ecg');
  });
});
