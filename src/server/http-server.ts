import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { ApiContext, Services } from '../api/context';
import { createLoaders } from '../api/loaders';
import type { GraphClient } from '../graph/graph-client';
import type { Logger } from '../logging/logger';
import { createFormatError } from './format-error';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HttpServerOptions {
  schema: GraphQLSchema;
  graph: GraphClient;
  services: Services;
  logger: Logger;
  /** Answers /readyz: Neo4j reachable and migrated (later: models loaded). */
  readiness: () => Promise<Readiness>;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Apollo Server 5 on node:http. Routes: POST/GET /graphql, /healthz (process up),
 * /readyz (dependencies ready). No landing page: the default one loads from a CDN that
 * offline machines cannot reach. Stopping drains in-flight requests first.
 *
 * Apollo's implicit plugins are switched off. Cache control: the API has no response
 * cache and sets no cache hints, yet the plugin hooks every field's resolution
 * (`willResolveField`, which also makes Apollo wrap every resolver in the schema); that
 * was ~3% of the API's CPU in the serve bench's reads (bench/README.md). Usage and schema
 * reporting: they would send to Apollo's cloud whenever APOLLO_KEY is set, which these
 * machines cannot reach and which nobody here asked for.
 */
export async function startHttpServer(o: HttpServerOptions, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const httpServer = http.createServer();
  const apollo = new ApolloServer<ApiContext>({
    schema: o.schema,
    formatError: createFormatError(o.logger),
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
  await apollo.start();
  const maxBody = o.maxBodyBytes ?? 1_000_000;

  httpServer.on('request', (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      o.logger.error('request failed', { error: String(err) });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const r = await o.readiness().catch((e: unknown) => ({ ready: false, checks: { readiness: { ok: false, detail: String(e) } } }));
      return send(res, r.ready ? 200 : 503, r);
    }
    if (url.pathname !== '/graphql') return send(res, 404, { error: 'not found; the API is at /graphql' });
    const body = await readBody(req, maxBody);
    if (body === null) return send(res, 413, { errors: [{ message: `request body over ${maxBody} bytes`, extensions: { code: 'BAD_USER_INPUT' } }] });
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    let parsed: unknown = undefined;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body);
      } catch {
        return send(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
      }
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsed },
      context: async () => ({
        loaders: createLoaders(o.graph),
        services: o.services,
        actingUserId: headers.get('x-giftgraph-user') ?? null,
        requestId: headers.get('x-request-id') ?? randomUUID(),
      }),
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const addr = httpServer.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://${host}:${actualPort}/graphql`,
    port: actualPort,
    stop: async () => {
      await apollo.stop(); // drains the HTTP server too
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
