export { cluster, ClusterExecutor, type ClusterOptions, type ClusterRunOptions, type ClusterStats, type WorkerSeen, type Backoff } from './cluster.js';
export { ClusterWorker, WORKER_EXECUTORS, type ClusterWorkerOptions, type WorkerEvent, type WorkerExecutor } from './worker.js';
export { packageTask } from './address.js';
export type { Connection, RedisConnection } from './connection.js';
export type { WorkerHealth } from './keys.js';
