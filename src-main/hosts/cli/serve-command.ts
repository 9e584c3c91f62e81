/** `tessera serve`: the window in a browser, from the loopback web host (hosts/web). */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { TesseraError } from '../../engine/errors.js';
import { packageRoot } from '../../native/package-root.js';
import { FileAccess } from '../../service/file-access.js';
import { JobService } from '../../service/job-service.js';
import { startWebHost } from '../web/server.js';
import { dataDir, type Io, parseWorkers } from './common.js';
import { untilStopSignal } from './interrupts.js';

export async function cmdServe(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, workers: { type: 'string' }, data: { type: 'string' }, allow: { type: 'string', multiple: true } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TesseraError('BAD_OPTION', `--port must be a port number, not '${values.port}'`, 'for example --port 8765');
  const workers = parseWorkers(values.workers);
  const rendererDir = join(packageRoot(), 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) throw new TesseraError('NOT_BUILT', 'the app is not built', 'run `npm run build:app` (npm ci does it)');
  const engine = await Engine.start({ workers });
  // A page may have its jobs read uploads (in the data folder) and the folders named by --allow.
  const data = dataDir(values.data);
  const allowed = (values.allow ?? []).map((d) => resolve(d));
  for (const d of allowed) if (!existsSync(d)) throw new TesseraError('FILE_NOT_FOUND', `--allow ${d}: no such folder`, 'name a folder whose files the window may read');
  const fileAccess = await FileAccess.create([data, ...allowed]);
  const service = new JobService(engine, { host: 'web', dataDir: data, baseDir: process.cwd(), startEngine: (o) => Engine.start(o), fileAccess });
  const host = await startWebHost(service, { port, rendererDir });
  io.out(`Tessera is serving on ${host.url}\n(127.0.0.1 only; the link carries this launch's access token. Ctrl-C to stop.)\n`);
  await untilStopSignal();
  await host.close();
  await service.close();
  await engine.close();
  return 0;
}
