/**
 * Every actor id and `systemId` of the actor tree, in one place. Actor ids name a child within
 * its parent (`turn:<turnId>` under the thread, `tool:<key>` and `approval:<approvalId>` under a
 * turn, `mcp:<name>` under the thread); `systemId`s name long-lived actors across the tree so
 * an inspector (or `system.get`) finds them: `thread` (the root, whose actor id is the thread
 * id), `goal`, `recorder`, `turn:<turnId>`, `approval:<…>` and `delegate:<childThreadId>` (a
 * delegate or spawned agent, under its turn or thread).
 *
 * Invariant: a `systemId` is unique in its actor system while its actor lives (XState throws on
 * a duplicate), so an approval's names the turn and its place in the turn, not only its id.
 */

/**
 * Prefixes of child actor ids (and of the `turn:`/`approval:` system ids).
 * @example Object.keys(thread.actor.getSnapshot().children).filter((id) => id.startsWith(ACTOR_ID_PREFIX.turn));
 */
export const ACTOR_ID_PREFIX = { turn: 'turn:', toolCall: 'tool:', approval: 'approval:', mcpServer: 'mcp:', delegate: 'delegate:' } as const;

/**
 * The fixed `systemId`s of the thread's long-lived actors.
 * @example thread.actor.system.get(SYSTEM_ID.goal)?.getSnapshot().context.goal;
 */
export const SYSTEM_ID = { thread: 'thread', goal: 'goal', recorder: 'recorder' } as const;

/**
 * The actor id of a turn under its thread (also the turn's `systemId`).
 * @example turnActorId('sub_1') // 'turn:sub_1'
 */
export const turnActorId = (turnId: string): string => `${ACTOR_ID_PREFIX.turn}${turnId}`;

/**
 * The actor id of a tool call under its turn (`key` is unique per turn; a call id may repeat).
 * @example toolCallActorId('3') // 'tool:3'
 */
export const toolCallActorId = (key: string): string => `${ACTOR_ID_PREFIX.toolCall}${key}`;

/**
 * The actor id of a pending approval under its turn.
 * @example approvalActorId('call_1') // 'approval:call_1'
 */
export const approvalActorId = (approvalId: string): string => `${ACTOR_ID_PREFIX.approval}${approvalId}`;

/**
 * The `systemId` of an approval: its turn, its id and its ordinal among the turn's approvals
 * (1-based), so an approval id asked again (in this turn or another) never collides.
 * @example approvalSystemId('sub_1', 'call_1', 2) // 'approval:sub_1/call_1#2'
 */
export const approvalSystemId = (turnId: string, approvalId: string, ordinal: number): string =>
  `${ACTOR_ID_PREFIX.approval}${turnId}/${approvalId}#${ordinal}`;

/**
 * The actor id of an MCP server under its thread.
 * @example mcpServerActorId('docs') // 'mcp:docs'
 */
export const mcpServerActorId = (name: string): string => `${ACTOR_ID_PREFIX.mcpServer}${name}`;

/**
 * Whether `actorId` has the given kind's prefix, and the rest of the id after it (or null).
 * @example actorIdSuffix('tool:3', 'toolCall') // '3'
 */
export function actorIdSuffix(actorId: string | undefined, kind: keyof typeof ACTOR_ID_PREFIX): string | null {
  const prefix = ACTOR_ID_PREFIX[kind];
  return actorId !== undefined && actorId.startsWith(prefix) ? actorId.slice(prefix.length) : null;
}

/**
 * The actor id and `systemId` of a delegate (a child thread seen from its parent's turn or
 * thread): `delegate:<childThreadId>`.
 * @example delegateActorId('0193…') // 'delegate:0193…'
 */
export const delegateActorId = (childThreadId: string): string => `${ACTOR_ID_PREFIX.delegate}${childThreadId}`;
