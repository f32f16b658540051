import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterView } from '@armada/scheduler';
import { CommandFailedError } from '../errors.js';
import { SnapshotBuilder, type DashboardSnapshot, type SnapshotOptions } from './snapshot.js';

/** Anything with a master's view: a `Cluster`, usually. */
export interface ViewSource {
  view(): Promise<ClusterView>;
}

/** Tunables of {@link startDashboard}, merged over {@link DASHBOARD_DEFAULTS}. */
export interface DashboardOptions extends Partial<SnapshotOptions> {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** How often the master's view is sampled and pushed to every open page. */
  readonly intervalMs: number;
  /** A sample whose view takes longer than this is reported as the master not answering. */
  readonly viewTimeoutMs: number;
  /** Shown in the page's header (the NATS URL and cluster name, usually). */
  readonly title: string;
}

/** Defaults of {@link DashboardOptions}: port 8080, a sample every 500 ms. */
export const DASHBOARD_DEFAULTS: DashboardOptions = {
  port: 8080,
  intervalMs: 500,
  viewTimeoutMs: 2_000,
  title: 'armada',
};

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** The latest snapshot (undefined until the first view arrived). */
  latest(): DashboardSnapshot | undefined;
  /** Stops sampling, ends every event stream and closes the server. Idempotent. */
  close(): Promise<void>;
}

/** The page loads nothing but its own files and talks to nothing but this server. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const ASSETS = new URL('../../../assets/dashboard/', import.meta.url);
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/**
 * Serves the live dashboard on 127.0.0.1 only: the page (static files shipped in the package),
 * `/events` (server-sent events, one `DashboardSnapshot` per sample, the latest at once on
 * connect) and `/snapshot.json`. Samples `source.view()` every `intervalMs`; a view that fails or
 * takes longer than `viewTimeoutMs` is shown on the page as the master not answering, and
 * sampling goes on. Requests naming another host (DNS rebinding) get 403. Rejects with a
 * `CommandFailedError` (`ERR_DASHBOARD_PORT`) when the port is taken.
 */
export async function startDashboard(source: ViewSource, options: Partial<DashboardOptions> = {}): Promise<Dashboard> {
  const o: DashboardOptions = { ...DASHBOARD_DEFAULTS, ...options };
  const builder = new SnapshotBuilder(o.title, o);
  const clients = new Set<http.ServerResponse>();
  let latest: DashboardSnapshot | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const server = http.createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    if (!allowedHost(req.headers.host, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden host\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      if (latest !== undefined) res.write(event(latest));
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (path === '/snapshot.json') {
      res.writeHead(latest === undefined ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(latest ?? { error: 'no view yet' }));
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const asset = FILES[path];
    if (asset === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    readFile(new URL(asset.file, ASSETS)).then(
      (body) => res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('asset missing\n'),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new CommandFailedError(`port ${o.port} on 127.0.0.1 is taken; choose another with --port`, { code: 'ERR_DASHBOARD_PORT', cause: error })
          : new CommandFailedError(`cannot serve the dashboard: ${error.message}`, { code: 'ERR_DASHBOARD_LISTEN', cause: error }),
      ),
    );
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const publish = (snapshot: DashboardSnapshot) => {
    latest = snapshot;
    const data = event(snapshot);
    for (const res of clients) res.write(data);
  };
  const sample = async () => {
    const at = Date.now();
    try {
      publish(builder.next(await withTimeout(source.view(), o.viewTimeoutMs), at));
    } catch (error) {
      const failed = builder.failed(`the master did not answer: ${(error as Error).message}`, at);
      if (failed !== undefined) publish(failed);
    }
    if (!closed) timer = setTimeout(() => void sample(), o.intervalMs);
  };
  await sample();

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    latest: () => latest,
    close: async () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      for (const res of clients) res.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function event(snapshot: DashboardSnapshot): string {
  return `data: ${JSON.stringify(snapshot)}\n\n`;
}

function allowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no view within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
