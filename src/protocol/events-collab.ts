/**
 * Collab (multi-agent) events, Codex `CollabAgentSpawnBeginEvent` … `CollabResumeEndEvent`:
 * spawning a sub-agent, talking to it, waiting for it, closing and resuming it.
 */
import { z } from 'zod';
import { AgentStatus } from './agent-status.js';
import { ev, optStr, str } from './event-fields.js';

/** Codex `CollabAgentRef`: a sub-agent's thread id with its optional nickname and role. */
export const CollabAgentRef = z.looseObject({ thread_id: str, agent_nickname: optStr, agent_role: optStr });
export type CollabAgentRef = z.infer<typeof CollabAgentRef>;
/** Codex `CollabAgentStatusEntry`: a `CollabAgentRef` with the agent's last known status. */
export const CollabAgentStatusEntry = z.looseObject({ thread_id: str, agent_nickname: optStr, agent_role: optStr, status: AgentStatus });
export type CollabAgentStatusEntry = z.infer<typeof CollabAgentStatusEntry>;
/** Unix milliseconds of a collab begin/end event (`0` when a writer left it out, as Codex's serde default). */
const atMs = z.number().default(0);
/** Fields the close and resume events share. */
const collabReceiver = { call_id: str, sender_thread_id: str, receiver_thread_id: str, receiver_agent_nickname: optStr, receiver_agent_role: optStr };

/** The collab variants of `EventMsg`, in wire order. */
export const collabEvents = [
  ev('collab_agent_spawn_begin', { call_id: str, started_at_ms: atMs, sender_thread_id: str, prompt: str, model: str, reasoning_effort: str }),
  ev('collab_agent_spawn_end', {
    call_id: str,
    completed_at_ms: atMs,
    sender_thread_id: str,
    new_thread_id: z.string().nullable(),
    new_agent_nickname: optStr,
    new_agent_role: optStr,
    prompt: str,
    model: str,
    reasoning_effort: str,
    status: AgentStatus,
  }),
  ev('collab_agent_interaction_begin', { call_id: str, started_at_ms: atMs, sender_thread_id: str, receiver_thread_id: str, prompt: str, model: optStr, reasoning_effort: optStr }),
  ev('collab_agent_interaction_end', {
    call_id: str,
    completed_at_ms: atMs,
    sender_thread_id: str,
    receiver_thread_id: str,
    receiver_agent_nickname: optStr,
    receiver_agent_role: optStr,
    prompt: str,
    status: AgentStatus,
    model: optStr,
    reasoning_effort: optStr,
  }),
  ev('collab_waiting_begin', { started_at_ms: atMs, sender_thread_id: str, receiver_thread_ids: z.array(str), receiver_agents: z.array(CollabAgentRef).default([]), call_id: str }),
  ev('collab_waiting_end', {
    sender_thread_id: str,
    call_id: str,
    completed_at_ms: atMs,
    agent_statuses: z.array(CollabAgentStatusEntry).default([]),
    statuses: z.record(str, AgentStatus),
  }),
  ev('collab_close_begin', { call_id: str, started_at_ms: atMs, sender_thread_id: str, receiver_thread_id: str }),
  ev('collab_close_end', { ...collabReceiver, completed_at_ms: atMs, status: AgentStatus }),
  ev('collab_resume_begin', { ...collabReceiver, started_at_ms: atMs }),
  ev('collab_resume_end', { ...collabReceiver, completed_at_ms: atMs, status: AgentStatus }),
] as const;
