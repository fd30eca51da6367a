/**
 * The tool calls of a thread's turns, each run as a `tool:<key>` actor of its turn with the
 * call as its input: `run` spawns the actor and waits for its output, `body` is what the actor
 * runs (the thread's tool router, with the turn's task context).
 */
import type { AnyActorRef } from 'xstate';
import { toolCallActorId } from '../../machines/actor-ids.js';
import type { ToolCallSpec } from '../../machines/contracts.js';
import type { ResponseItem } from '../protocol/index.js';
import { abortError, type ToolCallItem } from '../tools/turn-context.js';
import type { ThreadHost } from './thread-host.js';

export class TurnToolCalls {
  constructor(private readonly thread: Pick<ThreadHost, 'toolRouter' | 'turnRef' | 'turns'>) {}

  private nextToolKey = 1;

  /**
   * Runs a tool call as an actor of its turn (`tool:<key>`, the call as its input); resolves
   * with the actor's output item, rejects when its runner failed. Aborting `attempt` (the
   * sampling attempt that made the call failed) stops the actor and rejects.
   */
  run(turnId: string, item: ToolCallItem, callId: string, attempt?: AbortSignal): Promise<ResponseItem> {
    const key = String(this.nextToolKey++);
    const call: ToolCallSpec = { key, callId, name: this.thread.toolRouter.toolName(item), turnId, item };
    const turn = this.thread.turnRef(turnId);
    if (!turn) return Promise.reject(abortError('the turn has ended'));
    turn.send({ type: 'TOOL.START', call });
    const actor = turn.getSnapshot().children[toolCallActorId(key)] as AnyActorRef | undefined;
    if (!actor) return Promise.reject(abortError('the turn has ended'));
    return new Promise((resolve, reject) => {
      const stop = () => {
        sub.unsubscribe();
        reject(abortError('the sampling attempt that made this call failed'));
        turn.send({ type: 'TOOL.STOP', key });
      };
      const sub = actor.subscribe({
        next: (snap: { status: string; output?: ResponseItem | null; context?: { error?: { code: string; message: string } | null } }) => {
          if (snap.status !== 'done') return;
          sub.unsubscribe();
          attempt?.removeEventListener('abort', stop);
          if (snap.output) resolve(snap.output);
          // The actor ended in `failed`: its runner rejected.
          else {
            const failure = snap.context?.error;
            reject(Object.assign(new Error(failure?.message ?? `tool call ${callId} ended without output`), failure ? { code: failure.code } : {}));
          }
        },
        error: (err: unknown) => reject(err),
      });
      if (attempt?.aborted) stop();
      else attempt?.addEventListener('abort', stop, { once: true });
    });
  }

  /**
   * The body of a tool-call actor (`ToolPort.run`): dispatches the call to the thread's tools
   * with its turn's task context; `signal` aborts when the actor stops. Rejects when the tool
   * throws.
   */
  async body(call: ToolCallSpec, signal: AbortSignal): Promise<ResponseItem> {
    const ctx = this.thread.turns.get(call.turnId)?.ctx;
    if (!ctx) throw abortError(`no task is running for turn ${call.turnId}`);
    // Start the tool after the turn has finished spawning its actor: a tool that asks for an
    // approval sends to the turn, which must not be mid-transition.
    await Promise.resolve();
    const toolSignal = AbortSignal.any([ctx.signal, signal]);
    return this.thread.toolRouter.runCall(call.item as ToolCallItem, { callId: call.callId, turnId: call.turnId, signal: toolSignal, turn: ctx });
  }
}
