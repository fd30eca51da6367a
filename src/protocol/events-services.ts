/**
 * Events about the thread's services rather than a turn: MCP server startup, and the answers
 * to the listing ops (MCP tools, skills, models, a message-history entry).
 */
import { z } from 'zod';
import { ev, str } from './event-fields.js';

/** The MCP startup and listing-answer variants of `EventMsg`, in wire order. */
export const serviceEvents = [
  ev('mcp_startup_update', {
    server: str,
    status: z.discriminatedUnion('state', [
      z.looseObject({ state: z.literal('starting') }),
      z.looseObject({ state: z.literal('ready') }),
      z.looseObject({ state: z.literal('failed'), error: str }),
      z.looseObject({ state: z.literal('cancelled') }),
    ]),
  }),
  ev('mcp_startup_complete', {
    ready: z.array(str).default([]),
    failed: z.array(z.looseObject({ server: str, error: str })).default([]),
    cancelled: z.array(str).default([]),
  }),
  ev('mcp_list_tools_response', {
    tools: z.record(str, z.unknown()).default({}),
    resources: z.record(str, z.array(z.unknown())).default({}),
    resource_templates: z.record(str, z.array(z.unknown())).default({}),
    auth_statuses: z.record(str, z.string()).default({}),
  }),
  ev('list_skills_response', { skills: z.array(z.unknown()).default([]) }),
  ev('list_models_response', { models: z.array(z.unknown()).default([]) }),
  ev('get_history_entry_response', { offset: z.number(), log_id: z.number(), entry: z.unknown().nullish() }),
] as const;
