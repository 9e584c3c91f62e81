#!/usr/bin/env node
// `npm start`: opens Tessera in Electron; where Electron cannot start (no binary downloaded, no
// display) it says why and serves the same window from the loopback web host instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const run = (cmd, args) => new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit' }).on('close', resolve));

if (!existsSync('out/main/main.js') || !existsSync('dist/src-main/hosts/cli/main.js') || !existsSync('build/Release/tessera.node')) {
  const code = await run('npm', ['run', 'build']);
  if (code !== 0) process.exit(code ?? 1);
}

/**
 * Electron downloads its binary on first use (inside `require('electron')`, with the download's
 * stack trace on stderr when it fails). Do that download here first, so a failure is one line.
 */
function downloadElectronIfMissing() {
  const dir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8')))) return null;
  console.error('Downloading the Electron binary (first start)...');
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status === 0) return null;
  const why = (r.stderr ?? '').split('\n').find((l) => /error|failed/i.test(l))?.trim();
  return `the Electron binary is not installed and could not be downloaded${why ? ` (${why})` : ''}`;
}

function electronProblem() {
  const download = downloadElectronIfMissing();
  if (download) return download;
  let binary;
  try {
    binary = require('electron'); // the path of the binary
  } catch (e) {
    return `the Electron binary is not installed (${e.message.split('\n')[0]})`;
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return 'the Electron binary is not installed';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY is not set)';
  return null;
}

const problem = electronProblem();
if (!problem) {
  process.exit((await run(require('electron'), ['out/main/main.js'])) ?? 0);
}
console.error(`Tessera cannot open its window here: ${problem}.\nServing the same window in your browser instead:`);
process.exit((await run(process.execPath, ['bin/tessera.mjs', 'serve', ...process.argv.slice(2)])) ?? 0);
