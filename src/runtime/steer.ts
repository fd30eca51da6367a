/**
 * `thread.steerInput`: adds user input to the active regular turn, refusing as Codex's
 * `steer_input` does (`SteerInputError` kinds `empty_input`, `no_active_turn`,
 * `expected_turn_mismatch`, `active_turn_not_steerable`).
 */
import { SteerInputError } from '../errors.js';
import { UserInput, parseAtEdge, type UserInputInit } from '../protocol/index.js';
import { userMessageInput } from './op-handlers.js';
import type { ThreadRuntime } from './thread-runtime.js';

/**
 * Steers `items` into the active turn at once; returns its turn id or throws.
 * @example
 * steerActiveTurn(rt, [{ type: 'text', text: 'also run the tests' }]); // 'turn-1'
 */
export function steerActiveTurn(rt: ThreadRuntime, items: readonly UserInputInit[], expectedTurnId?: string): string {
  const input = parseAtEdge(UserInput.array(), items, 'steer input');
  if (input.length === 0) throw new SteerInputError('empty_input', 'input must not be empty');
  const active = rt.activeTurn();
  const turn = active ? rt.turnRef(active.turnId)?.getSnapshot() : undefined;
  if (!active || !turn?.hasTag('steerable')) throw new SteerInputError('no_active_turn', 'no active turn to steer');
  if (expectedTurnId !== undefined && expectedTurnId !== active.turnId) {
    throw new SteerInputError('expected_turn_mismatch', `expected active turn id \`${expectedTurnId}\` but found \`${active.turnId}\``, {
      expected: expectedTurnId,
      actual: active.turnId,
    });
  }
  if (!active.steerable) {
    const turnKind = active.kind === 'review' ? 'review' : active.kind === 'compact' ? 'compact' : undefined;
    throw new SteerInputError('active_turn_not_steerable', `cannot steer a ${active.kind} turn`, turnKind ? { turnKind } : {});
  }
  rt.actor.send({ type: 'STEER', items: [userMessageInput(input)] });
  rt.updateSession({ type: 'MAILBOX.OPEN' });
  return active.turnId;
}
