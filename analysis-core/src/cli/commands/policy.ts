// PLACEHOLDER until the command is written; replaced by its owner.
import type { Command } from '../command';
export const policy: Command = { name: 'policy', summary: '(not yet built)', help: '', options: {}, run: async () => 2 };
