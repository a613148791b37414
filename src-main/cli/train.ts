import type { Command } from 'commander';

/** Registers the train commands. */
export function registerTrainCommands(_program: Command): void {}
