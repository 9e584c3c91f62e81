#!/usr/bin/env node
// Runs vitest (arguments are passed through) and ends with a plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-output', { recursive: true });
const report = 'test-output/vitest.json';
const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' });
try {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  // A file whose set-up failed fails as a suite and its tests count as skipped: name it.
  const failedFiles = j.testResults.filter((f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed')).length;
  console.log(`Tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed${j.numPendingTests ? `, ${j.numPendingTests} skipped` : ''}${failedFiles ? `; ${failedFiles} test file(s) failed before their tests ran` : ''}`);
} catch {
  console.log('Tests: 0 passed, 1 failed (no report was written)');
}
process.exit(r.status ?? 1);
