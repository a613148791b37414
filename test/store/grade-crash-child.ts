/**
 * Child process for grade-crash.test.ts: grades items of one study back to back through the
 * app's StudyService (one committed row per grade), printing `begin <n>` before and
 * `commit <n> <rater> <index> <grade>` after each, until the parent kills it.
 */
import { StudyService } from '../../src-main/app/studies';
import { openStore } from '../../src-main/store';

const [storePath, studyId, startArg] = process.argv.slice(2);
const studies = new StudyService(openStore(storePath));
const GRADES = ['I', 'II', 'III'] as const;
process.stdout.write('ready\n');
for (let n = Number(startArg); ; n++) {
  const raterId = n % 2 === 0 ? 'a' : 'b';
  const index = Math.floor(n / 2) % 8;
  const grade = GRADES[(n * 7) % 3];
  process.stdout.write(`begin ${n}\n`);
  studies.grade({ studyId, raterId, index, grade });
  process.stdout.write(`commit ${n} ${raterId} ${index} ${grade}\n`);
}
