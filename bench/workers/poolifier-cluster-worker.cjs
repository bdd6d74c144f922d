// poolifier's cluster worker. CommonJS on purpose: with an ES module worker file,
// poolifier 5.3's cluster pool never reports ready (its first task hangs).
// The same no-op as noop-task.mjs (which CommonJS cannot require on Node 20).
const { ClusterWorker } = require('poolifier');
module.exports = new ClusterWorker((x) => x);
