import { readFileSync } from 'node:fs';
import { NotifyConfigError, parseRoutingConfig, type RoutingConfig } from './notify/index';
import { parseYamlDocument } from './notify/config';

/**
 * The routing tree and receivers: the top-level `route` and `receivers` of the YAML config file (ZTV_CONFIG_FILE),
 * laid out as in an alertmanager.yml so those two keys can be copied across; the file's other sections (`rules:`)
 * belong to other services. Undefined when there is no file or no `route`: findings are still recorded, nobody is
 * told. A bad section fails start-up with every problem named by its path (`route.routes[1].match_re.namespace: …`).
 */
export function loadRoutingConfig(
  configFile: string | undefined,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): RoutingConfig | undefined {
  if (!configFile) return undefined;
  const doc = parseYamlDocument(readFile(configFile));
  const section = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>) : {};
  if ('alerting' in section)
    throw new NotifyConfigError([
      `${configFile}: alerting: route and receivers go at the top level, as in alertmanager.yml`,
    ]);
  if (section.route === undefined && section.receivers === undefined) return undefined;
  try {
    return parseRoutingConfig(section);
  } catch (err) {
    if (err instanceof NotifyConfigError)
      throw new NotifyConfigError(err.issues.map((i) => `${configFile}: ${i}`));
    throw err;
  }
}
