/**
 * The `error` event payload and the machine-readable `codex_error_info` that says what went
 * wrong, as Codex serialises it (snake_case; unit variants are bare strings).
 */
import { z } from 'zod';

const withStatus = (name: string) =>
  z.object({ [name]: z.object({ http_status_code: z.number().int().nullish() }) });

/**
 * Why an error happened, as clients branch on it.
 * @example
 * CodexErrorInfo.parse('bad_request');
 * CodexErrorInfo.parse({ active_turn_not_steerable: { turn_kind: 'review' } });
 */
export const CodexErrorInfo = z.union([
  z.enum([
    'context_window_exceeded',
    'usage_limit_exceeded',
    'server_overloaded',
    'cyber_policy',
    'internal_server_error',
    'unauthorized',
    'bad_request',
    'sandbox_error',
    'thread_rollback_failed',
    'other',
  ]),
  withStatus('http_connection_failed'),
  withStatus('response_stream_connection_failed'),
  withStatus('response_stream_disconnected'),
  withStatus('response_too_many_failed_attempts'),
  z.object({ active_turn_not_steerable: z.object({ turn_kind: z.enum(['review', 'compact']) }) }),
]);
export type CodexErrorInfo = z.infer<typeof CodexErrorInfo>;

/**
 * Whether an error with this info ends the turn's success (false only for rollback failures
 * and refused steers; an error without info counts as affecting).
 * @example
 * affectsTurnStatus('thread_rollback_failed'); // false
 */
export function affectsTurnStatus(info: CodexErrorInfo | null | undefined): boolean {
  if (info == null) return true;
  if (info === 'thread_rollback_failed') return false;
  return !(typeof info === 'object' && 'active_turn_not_steerable' in info);
}
