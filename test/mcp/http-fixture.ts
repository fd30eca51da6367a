/**
 * A real streamable-HTTP MCP server on 127.0.0.1 (the SDK's server side), recording the
 * JSON-RPC method and headers of every POST it receives.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface RecordedRequest {
  method: string;
  headers: IncomingMessage['headers'];
}

export interface HttpMcpFixture {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

export async function startHttpMcpServer(): Promise<HttpMcpFixture> {
  const mcp = new McpServer({ name: 'fixture-http', version: '1.0.0' });
  mcp.registerTool('echo', { description: 'Echoes its input', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } }, async ({ text }) => ({
    content: [{ type: 'text', text: `http echo: ${text}` }],
  }));
  // `pair` answers "together" only when two calls are in flight at once (so serialised calls
  // would answer "alone" after three seconds).
  let waiting: Array<(v: string) => void> = [];
  mcp.registerTool('pair', { description: 'Waits for a second concurrent call', annotations: { readOnlyHint: true } }, () =>
    new Promise<{ content: Array<{ type: 'text'; text: string }> }>((resolve) => {
      const done = (v: string) => resolve({ content: [{ type: 'text', text: v }] });
      if (waiting.length > 0) {
        for (const w of waiting.splice(0)) w('together');
        done('together');
        return;
      }
      waiting.push(done);
      setTimeout(() => {
        waiting = waiting.filter((w) => w !== done);
        done('alone');
      }, 3000);
    }),
  );
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  await mcp.connect(transport);
  const requests: RecordedRequest[] = [];
  const http = createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const messages = Array.isArray(body) ? body : body ? [body] : [];
      for (const m of messages as Array<{ method?: string }>) if (m.method) requests.push({ method: m.method, headers: req.headers });
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    async close() {
      await mcp.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
