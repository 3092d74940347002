// Prints vitest's JSON report as the slowest files, then one plain closing line:
// "vitest: N passed, N failed[, N skipped]".
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const file = process.argv[2];
const report = JSON.parse(readFileSync(file, 'utf8'));
const files = (report.testResults ?? [])
  .filter((f) => typeof f.startTime === 'number' && typeof f.endTime === 'number')
  .map((f) => ({ name: relative(process.cwd(), f.name), seconds: (f.endTime - f.startTime) / 1000 }))
  .sort((a, b) => b.seconds - a.seconds);
if (files.length > 0) {
  const end = Math.max(...(report.testResults ?? []).map((f) => f.endTime ?? 0));
  console.log(`slowest test files (of ${files.length}; the run took ${((end - report.startTime) / 1000).toFixed(0)} s, two files at a time):`);
  for (const f of files.slice(0, 10)) console.log(`  ${f.seconds.toFixed(0).padStart(5)} s  ${f.name}`);
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(report.numFailedTests === 0 && report.numPassedTests > 0 ? 0 : 1);
