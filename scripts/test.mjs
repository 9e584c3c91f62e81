#!/usr/bin/env node
// Runs vitest (arguments are passed through) and ends with a plain "N passed, N failed" line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The fuzz test (which vitest runs last) needs every native file built with sanitizers, minutes of
 * compiling: start that build now, at the lowest priority, so it uses the cores the other tests
 * leave idle. Only when the fuzz test is selected and clang's libFuzzer is installed.
 */
function prebuildFuzzTargets(args) {
  const files = args.filter((a) => !a.startsWith('-'));
  if (files.length > 0 && !files.some((f) => f.includes('fuzz'))) return null;
  const rt = spawnSync('clang++', ['-print-runtime-dir'], { encoding: 'utf8' });
  if (rt.status !== 0 || !existsSync(join(rt.stdout.trim(), 'libclang_rt.fuzzer-x86_64.a'))) return null;
  mkdirSync('build/fuzz', { recursive: true });
  const log = openSync('build/fuzz/prebuild.log', 'w');
  // Its own process group, so that the compilers it started stop with it.
  return spawn('nice', ['-n', '19', 'scripts/fuzz.sh', '--build-only'], { stdio: ['ignore', log, log], detached: true });
}

mkdirSync('test-output', { recursive: true });
const report = 'test-output/vitest.json';
const prebuild = prebuildFuzzTargets(process.argv.slice(2));
// Ctrl-C reaches vitest too; this process waits for it to stop and then stops the build below.
process.on('SIGINT', () => {});
const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' });
try {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  // A file whose set-up failed fails as a suite and its tests count as skipped: name it.
  const failedFiles = j.testResults.filter((f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed')).length;
  console.log(`Tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed${j.numPendingTests ? `, ${j.numPendingTests} skipped` : ''}${failedFiles ? `; ${failedFiles} test file(s) failed before their tests ran` : ''}`);
} catch {
  console.log('Tests: 0 passed, 1 failed (no report was written)');
}
// Still building only when the fuzz test did not run (a failure before it, or a filter).
if (prebuild) try { process.kill(-prebuild.pid, 'SIGTERM'); } catch { /* already done */ }
process.exit(r.status ?? 1);
