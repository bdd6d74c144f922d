// The local latency server lives with the demo (src/demo/) so the compiled CLI can use it too.
export { startLatencyServer, type LatencyServer } from '../../src/demo/latency-server.js';
