#!/usr/bin/env node
/**
 * The headless CLI: parses arguments and calls the core modules, nothing else.
 * Each command group lives in src-main/cli/<group>.ts and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { isBeatlensError } from './errors';
import { registerDataCommands } from './cli/data';
import { registerTrainCommands } from './cli/train';
import { registerEvaluateCommands } from './cli/evaluate';
import { registerBeatCommands } from './cli/beats';
import { registerReviewCommands } from './cli/review';
import { registerReportCommands } from './cli/report';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('beatlens')
    .description(
      'Interpretable ECG arrhythmia review: train, cross-validate and run the attention model.',
    )
    .version('0.1.0')
    .exitOverride();
  registerDataCommands(program);
  registerTrainCommands(program);
  registerEvaluateCommands(program);
  registerReportCommands(program);
  registerBeatCommands(program);
  registerReviewCommands(program);
  return program;
}

/** Runs the CLI; user-facing errors become one line on stderr and exit code 1. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    // commander has already printed its own one-line usage error (or the help text).
    if (e instanceof CommanderError) return e.exitCode;
    if (isBeatlensError(e)) {
      process.stderr.write(`beatlens: ${e.message}\n`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`beatlens: internal error: ${msg.split('\n')[0]}\n`);
    if (process.env.BEATLENS_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js|mjs|cjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then((code) => process.exit(code));
}
