import { parentPort, workerData } from 'node:worker_threads';
import { BackendServer } from '../backend/server.ts';

/**
 * The reference backend in its own thread, for bench/sync-upload.ts: a
 * backend is another machine in production, so the upload figure should not
 * charge the terminal's core with the backend's work (the in-process figure
 * is reported beside it).
 */
const { dbPath, terminalId } = workerData as { dbPath: string; terminalId: number };
const server = await BackendServer.start({ dbPath, masterKey: new Uint8Array(32).fill(1) });
parentPort?.postMessage({ url: server.url, key: server.backend.keyFor(terminalId, 1) });
parentPort?.on('message', (m: { type: string; terminal?: number }) => {
  if (m.type === 'highWater')
    parentPort?.postMessage({ highWater: server.backend.journal.highWater(m.terminal as number) });
  if (m.type === 'stop') void server.stop().then(() => parentPort?.postMessage({ stopped: true }));
});
