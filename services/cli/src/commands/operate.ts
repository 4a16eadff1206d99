import type { Command } from 'commander';
import type { Io } from '../io';
import { registerFindings } from './findings';
import { registerRemediate } from './remediate';
import { registerReplay } from './replay';
import { registerRules } from './rules';
import { registerSilence } from './silence';
import { registerSql } from './sql';
import { registerToken } from './token';

/** The commands for operating a running ztv: findings, silence, remediate, sql, rules, replay, token. */
export function registerOperateCommands(program: Command, io: Io): void {
  registerFindings(program, io);
  registerSilence(program, io);
  registerRemediate(program, io);
  registerSql(program, io);
  registerRules(program, io);
  registerReplay(program, io);
  registerToken(program, io);
}
