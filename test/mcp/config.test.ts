/** MCP configuration: Codex's config.toml keys, the README example, and resolution rules. */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMcpServersFromConfig, McpConfigError } from 'turnstate';
import { resolveMcpServer } from '../../src/mcp/config.js';

describe('MCP configuration', () => {
  it('reads the README example with Codex keys', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const toml = /## MCP servers[\s\S]*?```toml\n([\s\S]*?)```/.exec(readme)?.[1];
    const home = await mkdtemp(path.join(tmpdir(), 'turnstate-mcp-config-'));
    await writeFile(path.join(home, 'config.toml'), toml ?? '');
    expect(await loadMcpServersFromConfig(home)).toEqual({
      docs: {
        command: 'npx',
        args: ['-y', '@acme/docs-mcp'],
        env: { DOCS_LANG: 'en' },
        startupTimeoutSec: 10,
        toolTimeoutSec: 60,
        disabledTools: ['admin_reset'],
        tools: { delete_page: { approvalMode: 'prompt' } },
      },
      tracker: { url: 'http://127.0.0.1:8080/mcp', headers: { 'X-Team': 'core' }, bearerTokenEnvVar: 'TRACKER_TOKEN' },
    });
  });

  it('reports invalid TOML and wrong types as McpConfigError; a missing file means no servers', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'turnstate-mcp-config-'));
    expect(await loadMcpServersFromConfig(home)).toEqual({});
    await writeFile(path.join(home, 'config.toml'), '[mcp_servers.x\ncommand = 1');
    await expect(loadMcpServersFromConfig(home)).rejects.toBeInstanceOf(McpConfigError);
    await writeFile(path.join(home, 'config.toml'), '[mcp_servers.x]\ncommand = 1');
    await expect(loadMcpServersFromConfig(home)).rejects.toThrow(/mcp_servers\.x\.command/);
  });

  it('resolves env_vars, env_http_headers, bearer tokens and timeouts', () => {
    const env = { HOME_DIR: '/h', TOKEN: 'secret', TEAM: 'core' };
    const stdio = resolveMcpServer('s', { command: 'srv', envVars: ['HOME_DIR', 'MISSING'], env: { A: '1' }, startupTimeoutSec: 2.5 }, env);
    expect(stdio).toMatchObject({ transport: { type: 'stdio', command: 'srv', args: [], env: { HOME_DIR: '/h', A: '1' } }, startupTimeoutMs: 2500, toolTimeoutMs: 120_000, enabled: true });
    const http = resolveMcpServer('h', { url: 'http://127.0.0.1:1/mcp', envHttpHeaders: { 'X-Team': 'TEAM' }, bearerTokenEnvVar: 'TOKEN' }, env);
    expect(http.transport).toEqual({ type: 'streamable_http', url: 'http://127.0.0.1:1/mcp', headers: { 'X-Team': 'core', Authorization: 'Bearer secret' }, bearerTokenEnvVar: 'TOKEN' });
    // A missing token is a startup failure (reported), not a thread failure.
    expect(resolveMcpServer('h', { url: 'http://127.0.0.1:1/mcp', bearerTokenEnvVar: 'NOPE' }, env).startupError).toContain('NOPE');
  });
});
