import type { Command } from 'commander';

/** Registers the data commands. */
export function registerDataCommands(_program: Command): void {}
