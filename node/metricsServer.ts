// The metrics port's HTTP server. Prometheus scrapes it every few seconds from an address or
// two; more than that is a mistake or an attack, and every collection runs on the node's main
// thread (it reads state and formats text), next to consensus. So an operator who exposes the
// port (metrics.host 0.0.0.0 for a remote Prometheus) gets a server that holds few connections,
// drops idle and slow ones, and runs one collection at a time: requests that arrive while one
// runs, or within FRESH_MS of its start, get its text.
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export type MetricsServerOptions = {
  /** connections held at once; past it a connection is closed at accept (default 16) */
  maxConnections?: number;
  /** a connection with nothing moving for this long is closed (default 30 s) */
  idleTimeoutMs?: number;
};

/** a scrape's text is reused for this long from the start of its collection */
export const FRESH_MS = 250;

export function serveMetrics(
  registry: Registry,
  host: string,
  port: number,
  opts: MetricsServerOptions = {},
): Promise<Server> {
  let last: { startedAt: number; done: boolean; text: Promise<string> } | undefined;
  const collect = (): Promise<string> => {
    const now = performance.now();
    if (last && (!last.done || now - last.startedAt < FRESH_MS)) return last.text;
    const entry = { startedAt: now, done: false, text: registry.metrics() };
    last = entry;
    entry.text.then(
      () => {
        entry.done = true;
      },
      () => {
        if (last === entry) last = undefined; // a failed collection is not reused
      },
    );
    return entry.text;
  };
  const server = createServer(
    // a scraper sends a few hundred bytes of headers at once: 5 s for them, 10 s for the request
    { headersTimeout: 5_000, requestTimeout: 10_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      if (req.method !== "GET" || (req.url ?? "/").split("?")[0] !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain" }).end("only GET /metrics is served here\n");
        return;
      }
      collect().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        (e: Error) =>
          res.writeHead(500, { "content-type": "text/plain" }).end(`metrics collection failed: ${e.message}\n`),
      );
    },
  );
  server.maxConnections = opts.maxConnections ?? 16;
  // no 'timeout' listener: Node destroys the socket (an answer nobody reads is not held either)
  server.setTimeout(opts.idleTimeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
