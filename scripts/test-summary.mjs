// Prints vitest's JSON report as the slowest files, then each failed test with the first
// lines of its error (CI keeps only the end of the output), then one plain closing line:
// "vitest: N passed, N failed[, N skipped]". With TIMELINE (scripts/test-timeline.mjs's file),
// a file's time is from its start on a worker to its end, setup and teardown included, and the
// cores' load over the run is said.
// usage: test-summary.mjs REPORT [TIMELINE]
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, timelineFile] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const timeline = timelineFile && existsSync(timelineFile) ? JSON.parse(readFileSync(timelineFile, 'utf8')) : undefined;
const files = (
  timeline
    ? timeline.files.map((f) => ({ name: f.name, seconds: f.end - f.queued }))
    : (report.testResults ?? [])
        .filter((f) => typeof f.startTime === 'number' && typeof f.endTime === 'number')
        .map((f) => ({ name: relative(process.cwd(), f.name), seconds: (f.endTime - f.startTime) / 1000 }))
).sort((a, b) => b.seconds - a.seconds);
if (files.length > 0) {
  const end = Math.max(...(report.testResults ?? []).map((f) => f.endTime ?? 0));
  const took = timeline ? timeline.seconds : (end - report.startTime) / 1000;
  const load = typeof timeline?.busy === 'number' ? `, the cores ${(timeline.busy * 100).toFixed(0)}% busy` : '';
  const what = timeline ? 'each from its start on a worker to its end, setup included' : 'its tests only';
  // how many files ran at once at most, from the timeline's intervals
  const edges = (timeline?.files ?? []).flatMap((f) => [[f.queued, 1], [f.end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (running += step));
  const atOnce = most > 0 ? `, at most ${most} files at a time` : '';
  console.log(`slowest test files (of ${files.length}, ${what}; the run took ${took.toFixed(0)} s${atOnce}${load}):`);
  for (const f of files.slice(0, 10)) console.log(`  ${f.seconds.toFixed(0).padStart(5)} s  ${f.name}`);
}
const failed = (report.testResults ?? []).flatMap((f) =>
  (f.assertionResults ?? [])
    .filter((t) => t.status === 'failed')
    .map((t) => ({ file: relative(process.cwd(), f.name), title: t.fullName ?? t.title, messages: t.failureMessages ?? [] })),
);
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed'),
);
for (const t of failed) {
  console.log(`FAILED ${t.file} > ${t.title}`);
  const lines = t.messages.join('\n').split('\n').filter((l) => l.trim() !== '' && !/^\s*at (.*node_modules|new Promise)/.test(l));
  for (const line of lines.slice(0, 12)) console.log(`    ${line.slice(0, 300)}`);
}
for (const f of brokenFiles) {
  console.log(`FAILED ${relative(process.cwd(), f.name)} (the file itself)`);
  for (const line of String(f.message ?? '').split('\n').filter((l) => l.trim() !== '').slice(0, 12)) console.log(`    ${line.slice(0, 300)}`);
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(report.numFailedTests === 0 && report.numPassedTests > 0 ? 0 : 1);
