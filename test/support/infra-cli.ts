import { kafkaDown, kafkaUp } from './kafka/infra';

/**
 * `npm run infra:up` / `infra:down`: the test infrastructure as long-lived local processes, so repeated test runs
 * skip start-up (point the tests at them through KAFKA_BROKERS etc.). One entry per service; each returns a line
 * to print.
 */
const services: Record<string, { up(): Promise<string>; down(): Promise<string> }> = {
  kafka: { up: kafkaUp, down: kafkaDown },
};

const [command, ...only] = process.argv.slice(2);
if ((command !== 'up' && command !== 'down') || only.some((s) => !(s in services))) {
  console.error(`usage: tsx test/support/infra-cli.ts up|down [${Object.keys(services).join('|')} ...]`);
  process.exit(2);
}
const names = only.length > 0 ? only : Object.keys(services);
const results = await Promise.allSettled(names.map((name) => services[name]?.[command]()));
results.forEach((r, i) => {
  if (r.status === 'fulfilled') console.log(`${names[i]}: ${r.value}`);
  else {
    console.error(`${names[i]}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
    process.exitCode = 1;
  }
});
