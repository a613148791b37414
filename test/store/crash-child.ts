/**
 * Child process for crash.test.ts: opens the store and imports records r<start>, r<start+1>, …
 * one transaction each, printing `begin <id>` before and `commit <id>` after each import, until
 * the parent kills it. stdout to a pipe is synchronous on Linux, so every printed line was
 * written before the kill.
 */
import { openStore } from '../../src-main/store';
import { CRASH_RECORD, fakeImport } from './fixtures';

const [storePath, startArg] = process.argv.slice(2);
const store = openStore(storePath);
// Generated once and relabelled per import, so nearly all the child's time is spent importing.
const template = fakeImport('template', CRASH_RECORD);
process.stdout.write('ready\n');
for (let i = Number(startArg); ; i++) {
  const id = `r${i}`;
  const input = {
    ...template,
    record: { ...template.record, id },
    segments: {
      ...template.segments,
      items: template.segments.items.map((s) => ({ ...s, recordId: id })),
    },
  };
  process.stdout.write(`begin ${id}\n`);
  store.records.import(input);
  process.stdout.write(`commit ${id}\n`);
}
