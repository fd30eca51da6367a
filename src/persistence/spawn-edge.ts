/**
 * The spawn edge of a sub-agent thread as Codex records it: `session_meta.source` =
 * `{ "subagent": { "thread_spawn": { "parent_thread_id", "depth", "agent_nickname", "agent_role" } } }`.
 */

/** Who spawned a thread, and how deep it sits under its root (root = 0). */
export interface SpawnEdge {
  parentThreadId: string;
  depth: number;
}

/**
 * Reads the spawn edge from a `session_meta.source`; null for threads nobody spawned
 * (host sources, review sub-agents) or a source that does not say.
 * @example
 * spawnEdge({ subagent: { thread_spawn: { parent_thread_id: 't1', depth: 1 } } }); // { parentThreadId: 't1', depth: 1 }
 * spawnEdge('cli'); // null
 */
export function spawnEdge(source: unknown): SpawnEdge | null {
  if (typeof source !== 'object' || source === null) return null;
  const subagent = (source as { subagent?: unknown }).subagent;
  if (typeof subagent !== 'object' || subagent === null) return null;
  const spawn = (subagent as { thread_spawn?: unknown }).thread_spawn;
  if (typeof spawn !== 'object' || spawn === null) return null;
  const { parent_thread_id: parent, depth } = spawn as { parent_thread_id?: unknown; depth?: unknown };
  if (typeof parent !== 'string') return null;
  return { parentThreadId: parent, depth: typeof depth === 'number' ? depth : 1 };
}
