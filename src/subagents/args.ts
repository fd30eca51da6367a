/**
 * The argument schemas of the v1 collaboration tools (Codex `multi_agents` handlers) and the
 * small pure helpers they share: input from `message | items`, the prompt preview shown in
 * collab events, the wait timeout clamp and the `<subagent_notification>` text.
 */
import { z } from 'zod';
import { ReasoningEffort, UserInput, type AgentStatus } from '../protocol/index.js';

/** `spawn_agent{message|items, model?, reasoning_effort?, fork_context?}`. */
export const SpawnAgentArgs = z.object({
  message: z.string().optional().describe('Task for the new agent, as plain text. Give either message or items.'),
  items: z.array(UserInput).optional().describe('Task for the new agent as structured input items (text, images). Give either message or items.'),
  model: z.string().optional().describe('Model for the new agent (default: the same model as you).'),
  reasoning_effort: ReasoningEffort.optional().describe('Reasoning effort for the new agent (default: yours).'),
  fork_context: z.boolean().optional().describe('Start the new agent with a copy of this conversation as background (model and reasoning_effort cannot be changed then).'),
});
export type SpawnAgentArgs = z.infer<typeof SpawnAgentArgs>;

/** `send_input{id, message|items, interrupt?}`. */
export const SendInputArgs = z.object({
  id: z.string().describe('The agent_id returned by spawn_agent.'),
  message: z.string().optional().describe('Message for the agent. Give either message or items.'),
  items: z.array(UserInput).optional().describe('Structured input items for the agent. Give either message or items.'),
  interrupt: z.boolean().optional().describe('Stop what the agent is doing first, then give it this input (default false: the input is queued).'),
});
export type SendInputArgs = z.infer<typeof SendInputArgs>;

/** `wait{ids, timeout_ms?}`. */
export const WaitArgs = z.object({
  ids: z.array(z.string()).describe('Agent ids to wait for; the call returns as soon as one of them has finished.'),
  timeout_ms: z.number().int().optional().describe('How long to wait at most, in milliseconds (default 30000, at least 10000, at most 3600000).'),
});
export type WaitArgs = z.infer<typeof WaitArgs>;

/** `close_agent{id}`. */
export const CloseAgentArgs = z.object({ id: z.string().describe('The agent_id of the agent to shut down (its own sub-agents are shut down too).') });
export type CloseAgentArgs = z.infer<typeof CloseAgentArgs>;

/** A tool call the model must correct; its message is the tool output. */
export class CollabToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollabToolError';
  }
}

/**
 * The input items of a spawn or send: exactly one of `message` (not blank) or `items` (not empty).
 * @throws CollabToolError with Codex's wording
 * @example
 * collabInput('hello', undefined); // [{ type: 'text', text: 'hello', text_elements: [] }]
 */
export function collabInput(message: string | undefined, items: UserInput[] | undefined): UserInput[] {
  if (message !== undefined && items !== undefined) throw new CollabToolError('Provide either message or items, but not both');
  if (message !== undefined) {
    if (message.trim() === '') throw new CollabToolError("Empty message can't be sent to an agent");
    return [{ type: 'text', text: message, text_elements: [] }];
  }
  if (items === undefined) throw new CollabToolError('Provide one of: message or items');
  if (items.length === 0) throw new CollabToolError("Items can't be empty");
  return items;
}

/**
 * The prompt shown in collab events: text items as they are, other items as a short tag.
 * @example
 * inputPreview([{ type: 'text', text: 'a', text_elements: [] }, { type: 'image', image_url: 'u' }]); // 'a\n[image]'
 */
export function inputPreview(items: readonly UserInput[]): string {
  return items
    .map((item) => {
      switch (item.type) {
        case 'text':
          return item.text;
        case 'image':
          return '[image]';
        case 'local_image':
          return `[local_image:${item.path}]`;
        case 'skill':
          return `[skill:$${item.name}](${item.path})`;
        case 'mention':
          return `[mention:$${item.name}](${item.path})`;
      }
    })
    .join('\n');
}

/**
 * Codex `DEFAULT_WAIT_TIMEOUT_MS`: a `wait` without `timeout_ms` waits 30 s.
 * @example
 * waitTimeoutMs(undefined) === DEFAULT_WAIT_TIMEOUT_MS; // true
 */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
/**
 * Codex `MIN_WAIT_TIMEOUT_MS`: shorter waits would let a model busy-poll its agents.
 * @example
 * waitTimeoutMs(1) === MIN_WAIT_TIMEOUT_MS; // true
 */
export const MIN_WAIT_TIMEOUT_MS = 10_000;
/**
 * Codex `MAX_WAIT_TIMEOUT_MS` (one hour).
 * @example
 * waitTimeoutMs(86_400_000) === MAX_WAIT_TIMEOUT_MS; // true
 */
export const MAX_WAIT_TIMEOUT_MS = 3_600_000;

/**
 * The timeout a `wait` runs with: default 30 s, clamped to 10 s…1 h.
 * @throws CollabToolError when `timeout_ms` is zero or negative
 * @example
 * waitTimeoutMs(500); // 10000
 */
export function waitTimeoutMs(timeoutMs: number | undefined): number {
  const ms = timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  if (ms <= 0) throw new CollabToolError('timeout_ms must be greater than zero');
  return Math.min(Math.max(ms, MIN_WAIT_TIMEOUT_MS), MAX_WAIT_TIMEOUT_MS);
}

/** The tags that wrap a finished sub-agent's notice in the parent's history. */
const SUBAGENT_NOTIFICATION_OPEN_TAG = '<subagent_notification>';
const SUBAGENT_NOTIFICATION_CLOSE_TAG = '</subagent_notification>';

/**
 * The user-role text telling a parent that a sub-agent reached a final status (Codex's
 * v1 completion watcher): the agent reference and status as JSON inside the tag.
 * @example
 * subagentNotification('0193…', { completed: 'done' });
 * // '<subagent_notification>\n{"agent_path":"0193…","status":{"completed":"done"}}\n</subagent_notification>'
 */
export function subagentNotification(agentReference: string, status: AgentStatus): string {
  return `${SUBAGENT_NOTIFICATION_OPEN_TAG}\n${JSON.stringify({ agent_path: agentReference, status })}\n${SUBAGENT_NOTIFICATION_CLOSE_TAG}`;
}
