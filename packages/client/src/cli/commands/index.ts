import type { CliCommand } from '../command.js';
import { completionCommand } from './completion.js';
import { runCommand } from './run.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';

/** Every `iics-job` command, in the order of the help. A new command is a file here and a line in this list. */
export const COMMANDS: readonly CliCommand[] = [runCommand, statusCommand, stopCommand, completionCommand];
