import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const pom = fileURLToPath(new URL('./pom.xml', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Fails with how to install Java unless a Java 17+ runtime is on the PATH. */
export async function requireJava(): Promise<void> {
  const hint = 'Java 17 is required to run the test Kafka broker: apt-get install openjdk-17-jre-headless';
  let banner: string;
  try {
    banner = (await run('java', ['-version'])).stderr;
  } catch (e) {
    throw new Error(hint, { cause: e });
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  const major = m?.[1] === '1' ? Number(m[2]) : Number(m?.[1]);
  if (!(major >= 17)) throw new Error(`${hint} (found: ${banner.split('\n')[0]})`);
}

/**
 * The broker's classpath. Maven resolves the jars into ~/.m2 (which persists); the classpath itself is cached under
 * .cache/ by the pom's hash, so a run pays for Maven only when the pom changes or a jar went missing.
 */
export async function kafkaClasspath(): Promise<string> {
  const hash = createHash('sha256')
    .update(await readFile(pom))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = join(repoRoot, '.cache', `kafka-classpath-${hash}.txt`);
  const cached = await readFile(cacheFile, 'utf8').catch(() => '');
  if (cached && cached.split(delimiter).every((jar) => existsSync(jar))) return cached;

  const out = join(tmpdir(), `ztv-kafka-classpath-${randomUUID()}.txt`);
  try {
    await run('mvn', ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${out}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const classpath = (await readFile(out, 'utf8')).trim();
    await mkdir(join(repoRoot, '.cache'), { recursive: true });
    await writeFile(`${cacheFile}.tmp`, classpath);
    await rename(`${cacheFile}.tmp`, cacheFile);
    return classpath;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT')
      throw new Error('Maven is required to fetch the test Kafka broker: apt-get install maven', {
        cause: e,
      });
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(
      'Maven could not resolve the Kafka broker jars. Check access to Maven Central (and any proxy in ~/.m2/settings.xml), ' +
        `or run: mvn -f test/support/kafka/pom.xml dependency:resolve\n${output}`,
      { cause: e },
    );
  } finally {
    await rm(out, { force: true });
  }
}
