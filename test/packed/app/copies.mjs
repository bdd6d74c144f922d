// The installed package when a task module imports boundwise too: transfer() markers, the
// context and errors work across the two copies, on threads and on processes.
import { processes, tasks, threads } from 'boundwise';

const t = tasks(new URL('./copies-tasks.mjs', import.meta.url));

async function exercise(pool) {
  const messages = [];
  const r = await pool.run(t.bytes, 3, { onMessage: (m) => messages.push(m) });
  const failed = await pool.run(t.fail).catch((e) => `${e.name} ${e.code} ${e.message}`);
  await pool.close();
  return { data: [...r.data], mainThread: r.threadId === 0, workerId: r.workerId, messages, failed };
}

console.log(JSON.stringify({ threads: await exercise(threads({ max: 1 })), processes: await exercise(processes({ max: 1 })) }));
