/**
 * Model-visible names of MCP tools, allocated as Codex's `mcp_tool_names.rs` does: the
 * namespace `mcp__<server>__` and the tool name are sanitised to `[A-Za-z0-9_]` (anything
 * else becomes `_`), namespaces and names that collide after sanitising get a `_<12 hex>`
 * SHA-1 suffix of their raw identity, and a name past 64 bytes is cut to fit with that
 * suffix. Raw server and tool names are kept for the protocol calls.
 */
import { createHash } from 'node:crypto';

const DELIMITER = '__';
/**
 * Responses API limit on tool names, in bytes.
 * @example
 * qualifyMcpTools([{ server: 's', tool: 'x'.repeat(99) }])[0]?.qualifiedName.length; // MAX_TOOL_NAME_LENGTH
 */
export const MAX_TOOL_NAME_LENGTH = 64;
const HASH_LEN = 12;

/** One tool as a server listed it. */
export interface RawMcpTool {
  server: string;
  tool: string;
}

/** A tool with the name the model sees. */
export interface QualifiedMcpTool extends RawMcpTool {
  qualifiedName: string;
}

/**
 * Replaces every character outside `[A-Za-z0-9_]` with `_` (an empty name becomes `_`).
 * @example
 * sanitizeToolName('fetch.url'); // 'fetch_url'
 */
export function sanitizeToolName(name: string): string {
  const out = name.replace(/[^A-Za-z0-9_]/g, '_');
  return out === '' ? '_' : out;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const hashSuffix = (identity: string) => `_${sha1(identity).slice(0, HASH_LEN)}`;

function withNamespaceHash(namespace: string, identity: string): string {
  return namespace.endsWith(DELIMITER)
    ? `${namespace.slice(0, -DELIMITER.length)}${hashSuffix(identity)}${DELIMITER}`
    : `${namespace}${hashSuffix(identity)}`;
}

function fitWithHash(namespace: string, name: string, identity: string): [string, string] {
  const suffix = hashSuffix(identity);
  const maxToolLen = MAX_TOOL_NAME_LENGTH - namespace.length;
  if (maxToolLen >= suffix.length) return [namespace, `${name.slice(0, maxToolLen - suffix.length)}${suffix}`];
  return [namespace.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length), suffix];
}

interface Candidate extends RawMcpTool {
  nsIdentity: string;
  toolIdentity: string;
  namespace: string;
  name: string;
}

/**
 * Qualifies every tool with a unique model-visible name of at most 64 bytes; a tool listed
 * twice by the same server is kept once.
 * @example
 * qualifyMcpTools([{ server: 'docs', tool: 'search' }])[0]?.qualifiedName; // 'mcp__docs__search'
 */
export function qualifyMcpTools(tools: RawMcpTool[]): QualifiedMcpTool[] {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const t of tools) {
    const rawNamespace = `mcp${DELIMITER}${t.server}${DELIMITER}`;
    const nsIdentity = `${t.server}\0${rawNamespace}\0`;
    const toolIdentity = `${nsIdentity}\0${t.tool}\0${t.tool}`;
    if (seen.has(toolIdentity)) continue;
    seen.add(toolIdentity);
    candidates.push({ ...t, nsIdentity, toolIdentity, namespace: sanitizeToolName(rawNamespace), name: sanitizeToolName(t.tool) });
  }
  const collidingBy = (key: (c: Candidate) => string, identity: (c: Candidate) => string) => {
    const groups = new Map<string, Set<string>>();
    for (const c of candidates) groups.set(key(c), (groups.get(key(c)) ?? new Set()).add(identity(c)));
    return new Set([...groups].filter(([, ids]) => ids.size > 1).map(([k]) => k));
  };
  const namespaces = collidingBy((c) => c.namespace, (c) => c.nsIdentity);
  for (const c of candidates) if (namespaces.has(c.namespace)) c.namespace = withNamespaceHash(c.namespace, c.nsIdentity);
  const names = collidingBy((c) => `${c.namespace}\0${c.name}`, (c) => c.toolIdentity);
  for (const c of candidates) if (names.has(`${c.namespace}\0${c.name}`)) c.name = `${c.name}${hashSuffix(c.toolIdentity)}`;
  candidates.sort((a, b) => (a.toolIdentity < b.toolIdentity ? -1 : a.toolIdentity > b.toolIdentity ? 1 : 0));
  const used = new Set<string>();
  return candidates.map((c) => {
    let [namespace, name] = [c.namespace, c.name];
    if (`${namespace}${name}`.length > MAX_TOOL_NAME_LENGTH || used.has(`${namespace}${name}`)) {
      for (let attempt = 0; ; attempt++) {
        [namespace, name] = fitWithHash(c.namespace, c.name, attempt === 0 ? c.toolIdentity : `${c.toolIdentity}\0${attempt}`);
        if (!used.has(`${namespace}${name}`)) break;
      }
    }
    used.add(`${namespace}${name}`);
    return { server: c.server, tool: c.tool, qualifiedName: `${namespace}${name}` };
  });
}
