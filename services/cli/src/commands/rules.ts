import type { Command } from 'commander';
import { baselineRules } from '@ztv/rules';
import type { Io } from '../io';
import { action, addOutputOption, outputFormat, print } from './support';

export function registerRules(program: Command, io: Io): void {
  addOutputOption(program.command('rules').description('the rule catalogue (ZTA baseline v1): id, severity, area, what fires, playbook'))
    .option('--area <area>', 'only rules of this area')
    .addHelpText('after', '\nReads the rule pack built into this ztv; needs nothing running. Full text: docs/rules.md.\nExit codes: 0 done, 2 usage error.')
    .action(
      action(io, async (opts: { output: string; area?: string }) => {
        const format = outputFormat(opts.output);
        const rules = baselineRules.filter((r) => !opts.area || r.area === opts.area);
        const data = rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, area: r.area, kind: r.kind, playbook: r.remediation.playbook ?? null, rationale: r.rationale, references: r.references }));
        print(io, format, data, {
          headers: ['ID', 'SEVERITY', 'AREA', 'PLAYBOOK', 'TITLE'],
          rows: rules.map((r) => [r.id, r.severity, r.area, r.remediation.playbook ?? '-', r.title]),
          empty: opts.area ? `No rules in area "${opts.area}".` : 'No rules.',
          width: 70,
        });
      }),
    );
}
