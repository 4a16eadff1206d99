import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../services/cli/src/program';
import { contextSources, lintDockerfile } from './dockerfile-lint';

const root = new URL('../../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
const dockerignore = readFileSync(new URL('.dockerignore', root), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** .dockerignore semantics for the patterns used here: `**` any depth, `*` within one segment, a match excludes the subtree. */
const ignored = (path: string) =>
  dockerignore.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(.*/)?')}(/.*)?$`);
    return re.test(path);
  });

describe('Dockerfile', () => {
  it('follows the image rules', () => {
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const sources = contextSources(dockerfile);
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'shared', 'services', 'bin', 'migrations']));
    for (const s of sources) {
      expect(existsSync(new URL(s, root)), s).toBe(true);
      expect(ignored(s), `${s} is excluded by .dockerignore`).toBe(false);
    }
  });

  it('keeps dependencies, secrets, tests and VCS data out of the build context', () => {
    for (const p of ['node_modules', 'shared/rules/node_modules', '.git', '.env', 'test/e2e/x.ts', 'shared/bus/src/memory.test.ts', 'services/collector/src/x.int.test.ts', '.ztv']) {
      expect(ignored(p), p).toBe(true);
    }
  });

  it('has an entrypoint whose first argument picks the service', async () => {
    const out: string[] = [];
    const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l), now: () => new Date(), version: '0', exitCode: 0 };
    expect(await runCli(['--help'], io)).toBe(0);
    const commands = out.join('\n');
    for (const service of ['collector', 'rule-worker', 'alerter', 'migrate']) expect(commands).toMatch(new RegExp(`^\\s+${service}\\b`, 'm'));
  });
});

describe('the Dockerfile lint catches', () => {
  const broken: [string, (d: string) => string, RegExp][] = [
    ['npm install', (d) => d.replace('npm ci --omit=dev --ignore-scripts', 'npm install --ignore-scripts'), /never npm install/],
    ['dev dependencies', (d) => d.replace('--omit=dev ', ''), /must --omit=dev/],
    ['a root user', (d) => d.replace(/USER 10001:10001(?![\s\S]*USER 10001)/, 'USER 0'), /runtime: USER 0: must be a numeric, non-root/],
    ['a root clock-probe image', (d) => d.replace('USER 10001:10001', 'USER root'), /clock-probe: USER root/],
    ['a user name', (d) => d.replace(/USER 10001:10001(?![\s\S]*USER 10001)/, 'USER node'), /numeric/],
    ['no user', (d) => d.replace(/^USER .*$/gm, ''), /the runtime stage must set USER/],
    ['shell-form entrypoint', (d) => d.replaceAll('ENTRYPOINT ["node", "bin/ztv.mjs"]', 'ENTRYPOINT node bin/ztv.mjs'), /exec \(JSON\) form/],
    ['another entrypoint', (d) => d.replaceAll('ENTRYPOINT ["node", "bin/ztv.mjs"]', 'ENTRYPOINT ["npm", "start"]'), /expected \["node","bin\/ztv.mjs"\]/],
    ['an old Node', (d) => d.replace('node:24.11.1-bookworm-slim@', 'node:22.21.0-bookworm-slim@'), /node:24/],
    ['a full (non-slim) base', (d) => d.replace('node:24.11.1-bookworm-slim@', 'node:24.11.1-bookworm@'), /slim/],
    ['a tag without digest', (d) => d.replace(/@sha256:0+/, ''), /sha256 digest/],
    ['ADD of a URL', (d) => d.replace('COPY bin ./bin', 'ADD https://example.com/x.tgz ./bin'), /no ADD of URLs/],
    ['RUN in the runtime stage', (d) => d.replace('EXPOSE', 'RUN apt-get update\nEXPOSE'), /must not RUN/],
    ['a COPY after USER', (d) => d.replace('EXPOSE', 'COPY x /x\nEXPOSE'), /runtime: nothing may run or be copied after USER/],
    ['the tsx cache on', (d) => d.replaceAll(/\s*\\\s*TSX_DISABLE_CACHE=1/g, ''), /TSX_DISABLE_CACHE/],
    ['one stage', (d) => d.slice(d.indexOf('FROM ${NODE_IMAGE} AS runtime')).replace('--from=deps ', ''), /not multi-stage/],
    ['a last stage that is not the runtime', (d) => `${d}\nFROM \${NODE_IMAGE} AS debug\n`, /last stage must be named "runtime"/],
  ];
  it.each(broken)('%s', (_what, mutate, expected) => {
    const text = mutate(dockerfile);
    expect(text).not.toBe(dockerfile);
    expect(lintDockerfile(text).join('\n')).toMatch(expected);
  });
});
