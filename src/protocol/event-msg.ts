/**
 * `EventMsg`, the union of every event a thread emits, with its `Event` envelope and the
 * `isEvent` narrowing helper. The variants are declared by family (`events-lifecycle.ts`,
 * `events-items.ts`, `events-tools.ts`, `events-collab.ts`, `events-services.ts`); the union
 * keeps their wire order. TurnStarted is `task_started` and TurnComplete `task_complete` on
 * the wire; the `turn_*` spellings are accepted on input.
 */
import { z } from 'zod';
import { lifecycleEvents } from './events-lifecycle.js';
import { itemEvents } from './events-items.js';
import { toolEvents } from './events-tools.js';
import { collabEvents } from './events-collab.js';
import { serviceEvents } from './events-services.js';

const EVENT_ALIASES: Record<string, string> = { turn_started: 'task_started', turn_complete: 'task_complete' };

/**
 * Every event a thread can emit (runtime schema; it keeps unknown fields).
 * @example
 * EventMsg.parse({ type: 'turn_started', turn_id: 't1' }).type; // 'task_started'
 */
export const EventMsg = z.preprocess(
  (raw) => {
    if (typeof raw !== 'object' || raw === null) return raw;
    const type = (raw as { type?: unknown }).type;
    return typeof type === 'string' && type in EVENT_ALIASES ? { ...raw, type: EVENT_ALIASES[type] } : raw;
  },
  z.discriminatedUnion('type', [...lifecycleEvents, ...itemEvents, ...toolEvents, ...collabEvents, ...serviceEvents] as const),
);

/**
 * Drops the `[key: string]: unknown` index signature `looseObject` adds, so reading a
 * misspelled field of an event fails to compile (the parsed value still keeps unknown fields).
 */
type KnownFields<T> = T extends unknown ? { [K in keyof T as string extends K ? never : K]: T[K] } : never;

/**
 * Every event a thread can emit, as a discriminated union on `type`; narrow it with a
 * `switch`, `isEvent(msg, 'task_complete')`, or use a named type such as `TaskCompleteEvent`.
 */
export type EventMsg = KnownFields<z.output<typeof EventMsg>>;
export type EventType = EventMsg['type'];
/** The payload of one event variant. */
export type EventOf<T extends EventType> = Extract<EventMsg, { type: T }>;

/**
 * An event with the id of the submission that caused it.
 * @example
 * Event.parse({ id: '', msg: { type: 'shutdown_complete' } });
 */
export const Event = z.object({ id: z.string(), msg: EventMsg });
/** An event with the id of the submission (turn) that caused it. */
export interface Event<M extends EventMsg = EventMsg> {
  id: string;
  msg: M;
}

/**
 * Narrows an event payload (or an `Event`) to one variant by its `type`.
 * @example
 * for await (const event of thread.events()) {
 *   if (isEvent(event.msg, 'task_complete')) console.log(event.msg.last_agent_message);
 *   if (isEvent(event, 'exec_approval_request')) console.log(event.msg.command);
 * }
 */
export function isEvent<T extends EventType>(value: EventMsg, type: T): value is EventOf<T>;
export function isEvent<T extends EventType>(value: Event, type: T): value is Event<EventOf<T>>;
export function isEvent<T extends EventType>(value: EventMsg | Event, type: T): boolean {
  const msg = 'msg' in value && typeof value.msg === 'object' && value.msg !== null && 'type' in value.msg ? value.msg : value;
  return (msg as { type?: unknown }).type === type;
}
