// The raw BullMQ peer of `boundwise worker` for bench/cluster.ts: a Worker whose
// processor does the same no-op, in its own process. argv: port queue concurrency.
import { Worker } from 'bullmq';

const [port, queue, concurrency] = process.argv.slice(2);
const worker = new Worker(queue, async () => null, { connection: { host: '127.0.0.1', port: Number(port) }, concurrency: Number(concurrency) });
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
