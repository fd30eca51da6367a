/**
 * The session data a thread owns (held in the thread actor's context, plain JSON): turn
 * settings, model-visible history, token usage, queued input and mail. The thread machine
 * declares the shape and the named events that change it (`machines/session.ts`); this module
 * is the runtime's name for them.
 */
export {
  changesNothing,
  initialSessionData,
  type HistoryData,
  type SessionData,
  type SessionEvent,
  type TurnSettings,
} from '../../machines/session.js';
