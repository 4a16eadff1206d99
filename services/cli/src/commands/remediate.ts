import type { Command } from 'commander';
import { UsageError, type Io } from '../io';
import { addApiOptions, ApiClient, type ApiOptions } from './api-client';
import { action, addOutputOption, exitCodesHelp, outputFormat } from './support';

interface Remediation {
  id: string;
  playbook: string;
  mode: string;
  status: string;
  diff: unknown;
  requestedBy: string;
  approvedBy: string | null;
}

export function registerRemediate(program: Command, io: Io): void {
  addOutputOption(
    addApiOptions(
      program
        .command('remediate')
        .description('request a remediation playbook for a finding, or approve / reject a planned one (through the ztv API)')
        .argument('<id>', 'a finding id (fnd_…) to request; a remediation id (rem_…) with --approve or --reject'),
    ),
  )
    .option('--playbook <name>', "playbook to run (default: the rule's)")
    .option('--dry-run', 'only plan and record the diff; never apply')
    .option('--approve', 'approve the planned remediation <id> (rem_…): the remediator applies it (admin role)')
    .option('--reject [reason]', 'reject the planned remediation <id> (rem_…) (admin role)')
    .addHelpText(
      'after',
      `
Requesting records the remediation and queues the remediator's dry run; its diff shows in \`ztv findings show\` and on
the dashboard. Approve it once you have read the diff:
  ztv remediate fnd_… --playbook apply-default-deny
  ztv findings show fnd_…            # read the dry-run diff
  ztv remediate rem_… --approve
${exitCodesHelp}`,
    )
    .action(
      action(io, async (id: string, opts: ApiOptions & { output: string; playbook?: string; dryRun?: boolean; approve?: boolean; reject?: string | boolean }) => {
        const format = outputFormat(opts.output);
        if (opts.approve && opts.reject !== undefined) throw new UsageError('--approve and --reject exclude each other');
        const deciding = opts.approve || opts.reject !== undefined;
        if (deciding && !id.startsWith('rem_')) throw new UsageError(`--approve and --reject take a remediation id (rem_…), got "${id}"`);
        if (!deciding && id.startsWith('rem_')) throw new UsageError(`to decide on ${id} pass --approve or --reject; to request one, pass a finding id (fnd_…)`);
        const api = await ApiClient.fromOptions(opts);
        let r: Remediation;
        if (opts.approve) r = await api.post(`/api/v1/remediations/${encodeURIComponent(id)}/approve`);
        else if (opts.reject !== undefined) r = await api.post(`/api/v1/remediations/${encodeURIComponent(id)}/reject`, typeof opts.reject === 'string' ? { reason: opts.reject } : {});
        else r = await api.post(`/api/v1/findings/${encodeURIComponent(id)}/remediations`, { mode: opts.dryRun ? 'dry-run' : 'approve', ...(opts.playbook ? { playbook: opts.playbook } : {}) });
        if (format === 'json') return void io.stdout(JSON.stringify(r, null, 2));
        io.stdout(`${r.id} ${r.playbook} (${r.mode}): ${r.status.replace('_', ' ')}`);
        if (r.status === 'requested') io.stdout(`The remediator plans it as a dry run; then: ztv remediate ${r.id} --approve`);
      }),
    );
}
