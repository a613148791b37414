import type { Command } from 'commander';

/** Registers the evaluate commands. */
export function registerEvaluateCommands(_program: Command): void {}
