// Loaded into every process and thread a doc snippet runs (node --import): routes
// fetch() for hosts under example.com to the checker's local latency server, so
// snippets can show natural URLs and still run offline.
const base = process.env.BOUNDWISE_SNIPPET_SERVER;
if (base) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof globalThis.Request ? input.url : String(input));
    if (url.hostname !== 'example.com' && !url.hostname.endsWith('.example.com')) return realFetch(input, init);
    const local = new URL(url.pathname + url.search, base);
    return realFetch(input instanceof globalThis.Request ? new globalThis.Request(local, input) : local, init);
  };
}
