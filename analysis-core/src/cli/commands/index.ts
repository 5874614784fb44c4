/** Every `planewise` subcommand, in the order `planewise --help` lists them. */
import type { Command } from '../command';
import { check } from './check';
import { diff } from './diff';
import { drift } from './drift';
import { merge } from './merge';
import { policy } from './policy';
import { report } from './report';
import { summarize } from './summarize';
import { validate } from './validate';

export const commands: Command[] = [check, summarize, policy, diff, drift, report, merge, validate];
