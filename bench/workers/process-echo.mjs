// The floor for processes: a bare forked child that echoes messages, no pool around it.
import task from './noop-task.mjs';
process.on('message', (m) => process.send({ id: m.id, v: task(m.v) }));
process.on('disconnect', () => process.exit(0));
