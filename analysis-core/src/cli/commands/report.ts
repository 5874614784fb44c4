// PLACEHOLDER until the command is written; replaced by its owner.
import type { Command } from '../command';
export const report: Command = { name: 'report', summary: '(not yet built)', help: '', options: {}, run: async () => 2 };
