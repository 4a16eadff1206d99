import { readFileSync } from 'node:fs';
import { NotifyConfigError, parseRoutingConfig, type RoutingConfig } from './notify/index';
import { parseYamlDocument } from './notify/config';

/**
 * The routing tree and receivers: the `alerting:` section of the YAML config file (ZTV_CONFIG_FILE), next to the
 * rule-worker's `rules:`. Undefined when there is no file or no section: findings are still recorded, nobody is told.
 * A bad section fails start-up with every problem named by its path (`alerting.route.routes[1].match_re...`).
 */
export function loadRoutingConfig(
  configFile: string | undefined,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): RoutingConfig | undefined {
  if (!configFile) return undefined;
  const doc = parseYamlDocument(readFile(configFile)) as Record<string, unknown> | null;
  if (doc !== null && typeof doc === 'object' && ('route' in doc || 'receivers' in doc) && !('alerting' in doc)) {
    throw new NotifyConfigError([`${configFile}: route and receivers belong under "alerting:"`]);
  }
  const section = doc && typeof doc === 'object' ? doc.alerting : undefined;
  if (section === undefined || section === null) return undefined;
  try {
    return parseRoutingConfig(section);
  } catch (err) {
    if (err instanceof NotifyConfigError)
      throw new NotifyConfigError(err.issues.map((i) => `${configFile}: alerting.${i}`));
    throw err;
  }
}
