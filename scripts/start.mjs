#!/usr/bin/env node
// `npm start`: opens Tessera in Electron; where Electron cannot start (no binary downloaded, no
// display) it says why and serves the same window from the loopback web host instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const run = (cmd, args) => new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit' }).on('close', resolve));

if (!existsSync('out/main/main.js') || !existsSync('dist/src-main/hosts/cli/main.js') || !existsSync('build/Release/tessera.node')) {
  const code = await run('npm', ['run', 'build']);
  if (code !== 0) process.exit(code ?? 1);
}

function electronProblem() {
  let binary;
  try {
    binary = require('electron'); // the path of the binary; throws if it was never downloaded
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
