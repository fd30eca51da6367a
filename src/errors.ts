/**
 * Typed errors. Every error has a stable `code` and says whose fault it was (`fault`):
 * the host's input, configuration, the model's behaviour, or the engine itself.
 */
import type { z } from 'zod';

export type Fault = 'host' | 'configuration' | 'model' | 'engine';

/**
 * Base class of every error turnstate throws.
 * @example
 * try { await thread.submit(op); } catch (e) { if (e instanceof TurnstateError) console.log(e.code); }
 */
export class TurnstateError extends Error {
  readonly code: string;
  readonly fault: Fault;
  constructor(code: string, fault: Fault, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.fault = fault;
  }
}

/**
 * Input that did not match the protocol; `issues` are zod's.
 * @example
 * new ProtocolParseError('op', []).code; // 'invalid_input'
 */
export class ProtocolParseError extends TurnstateError {
  readonly issues: z.core.$ZodIssue[];
  constructor(what: string, issues: z.core.$ZodIssue[]) {
    const summary = issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    super('invalid_input', 'host', `invalid ${what}: ${summary}`);
    this.issues = issues;
  }
}

/**
 * The thread has shut down (or its loop died); it accepts no more submissions.
 * @example
 * new ThreadClosedError('t1').code; // 'thread_closed'
 */
export class ThreadClosedError extends TurnstateError {
  constructor(threadId: string) {
    super('thread_closed', 'host', `thread ${threadId} has shut down and accepts no more submissions`);
  }
}

/** Why `steerInput` refused; mirrors Codex `SteerInputError`. */
export type SteerInputErrorKind = 'no_active_turn' | 'expected_turn_mismatch' | 'active_turn_not_steerable' | 'empty_input';

/**
 * `steerInput` could not add input to the active turn.
 * @example
 * new SteerInputError('empty_input', 'input must not be empty').kind;
 */
export class SteerInputError extends TurnstateError {
  readonly kind: SteerInputErrorKind;
  readonly expected?: string;
  readonly actual?: string;
  readonly turnKind?: 'review' | 'compact';
  constructor(
    kind: SteerInputErrorKind,
    message: string,
    details: { expected?: string; actual?: string; turnKind?: 'review' | 'compact' } = {},
  ) {
    super(`steer_${kind}`, 'host', message);
    this.kind = kind;
    Object.assign(this, details);
  }
}

/**
 * A feature that is part of the protocol but not built yet.
 * @example
 * throw new NotImplementedError('realtime conversations');
 */
export class NotImplementedError extends TurnstateError {
  constructor(feature: string) {
    super('not_implemented', 'engine', `${feature} is not implemented in turnstate yet`);
  }
}

/**
 * A request that is well-formed but not valid now (e.g. an empty injection).
 * @example
 * new InvalidRequestError('items must not be empty').code; // 'invalid_request'
 */
export class InvalidRequestError extends TurnstateError {
  constructor(message: string) {
    super('invalid_request', 'host', message);
  }
}

/**
 * `thread.run()` / `runStreamed()` was called while another turn is active (they start a new
 * turn; add input to the active one with `steerInput`).
 * @example
 * new TurnActiveError('t1').code; // 'turn_active'
 */
export class TurnActiveError extends TurnstateError {
  readonly activeTurnId: string;
  constructor(activeTurnId: string) {
    super('turn_active', 'host', `turn ${activeTurnId} is active: run() starts a new turn only on an idle thread (steer the active one with steerInput)`);
    this.activeTurnId = activeTurnId;
  }
}

/**
 * A turn that `thread.run()` ran reported an `error` event (the model request failed after
 * its retries, or was refused); `message` is the event's message.
 * @example
 * new TurnFailedError('t1', 'stream disconnected', 'other').code; // 'turn_failed'
 */
export class TurnFailedError extends TurnstateError {
  readonly turnId: string;
  /** The `codex_error_info` of the error event, if any. */
  readonly codexErrorInfo: unknown;
  constructor(turnId: string, message: string, codexErrorInfo: unknown = null) {
    super('turn_failed', 'model', message);
    this.turnId = turnId;
    this.codexErrorInfo = codexErrorInfo;
  }
}

/**
 * The final message of a turn run with an output schema is not JSON, or does not match the
 * schema. `issues` lists what failed (zod's issues, or Ajv's errors as `{ path, message }`).
 * @example
 * new StructuredOutputError('not JSON', [], 'hello').code; // 'structured_output_invalid'
 */
export class StructuredOutputError extends TurnstateError {
  readonly issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
  /** The final message that failed. */
  readonly text: string | null;
  constructor(message: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, text: string | null) {
    super('structured_output_invalid', 'model', message);
    this.issues = issues;
    this.text = text;
  }
}
