import type { Command } from 'commander';
import { UsageError, type Io } from '../io';
import { addApiOptions, ApiClient, type ApiOptions } from './api-client';
import { action, addOutputOption, exitCodesHelp, outputFormat, print } from './support';

interface Silence {
  id: string;
  matchers: { name: string; op: string; value: string }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  state: string;
}

/** `namespace=payments`, `severity!=critical`, `ruleId=~cert-.*` → an Alertmanager-style matcher. */
export function parseMatcher(text: string): { name: string; op: string; value: string } {
  const m = /^([A-Za-z]+)(=~|!~|!=|=)(.*)$/.exec(text);
  if (!m) throw new UsageError(`--match "${text}": write name=value, name!=value, name=~regex or name!~regex`);
  return { name: m[1]!, op: m[2]!, value: m[3]! };
}

const matchersText = (s: Silence) => s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(', ');

export function registerSilence(program: Command, io: Io): void {
  const silence = program
    .command('silence')
    .description('mute findings that match (Alertmanager-style matchers), for a while (through the ztv API)')
    .addHelpText('after', `\nLabels: ruleId, severity, cluster, namespace, area, fingerprint. Regular expressions are anchored.\n${exitCodesHelp}`);

  addOutputOption(addApiOptions(silence.command('add').description('create a silence')))
    .requiredOption('--match <matcher>', 'name=value, name!=value, name=~regex, name!~regex (repeat for more)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--duration <d>', 'how long: 30m, 4h, 7d', '2h')
    .option('--ends <time>', 'RFC 3339 end time instead of --duration')
    .option('--starts <time>', 'RFC 3339 start time (default: now)')
    .requiredOption('--comment <text>', 'why (required)')
    .action(
      action(io, async (opts: ApiOptions & { output: string; match: string[]; duration: string; ends?: string; starts?: string; comment: string }) => {
        const format = outputFormat(opts.output);
        const matchers = opts.match.map(parseMatcher);
        const api = await ApiClient.fromOptions(opts);
        const created: Silence & { suppressed: number } = await api.post('/api/v1/silences', {
          matchers,
          comment: opts.comment,
          ...(opts.starts ? { startsAt: opts.starts } : {}),
          ...(opts.ends ? { endsAt: opts.ends } : { duration: opts.duration }),
        });
        if (format === 'json') io.stdout(JSON.stringify(created, null, 2));
        else io.stdout(`${created.id} ${created.state} until ${created.endsAt}: ${matchersText(created)} (${created.suppressed} finding(s) suppressed now)`);
      }),
    );

  addOutputOption(addApiOptions(silence.command('list').description('silences, newest first')))
    .option('--state <state>', 'active | pending | expired (default: all)')
    .action(
      action(io, async (opts: ApiOptions & { output: string; state?: string }) => {
        const format = outputFormat(opts.output);
        if (opts.state && !['active', 'pending', 'expired'].includes(opts.state)) throw new UsageError(`--state must be active, pending or expired (got "${opts.state}")`);
        const api = await ApiClient.fromOptions(opts);
        const { items }: { items: Silence[] } = await api.get(`/api/v1/silences${opts.state ? `?state=${opts.state}` : ''}`);
        print(io, format, items, {
          headers: ['ID', 'STATE', 'MATCHERS', 'ENDS', 'BY', 'COMMENT'],
          rows: items.map((s) => [s.id, s.state, matchersText(s), s.endsAt, s.createdBy, s.comment]),
          empty: 'No silences.',
        });
      }),
    );

  addOutputOption(addApiOptions(silence.command('rm').description('expire a silence now').argument('<id>', 'silence id (sil_…)'))).action(
    action(io, async (id: string, opts: ApiOptions & { output: string }) => {
      const format = outputFormat(opts.output);
      const api = await ApiClient.fromOptions(opts);
      const r: Silence & { changed: boolean; released: number } = await api.delete(`/api/v1/silences/${encodeURIComponent(id)}`);
      if (format === 'json') io.stdout(JSON.stringify(r, null, 2));
      else io.stdout(r.changed ? `${id} expired; ${r.released} finding(s) open again.` : `${id} had already expired.`);
    }),
  );
}
