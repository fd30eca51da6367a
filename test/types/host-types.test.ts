/**
 * Compile-time contract of the host API: ops, thread options and events are typed from the
 * protocol schemas, so typos fail to compile. `tsc` (the first step of `npm test`) checks the
 * `@ts-expect-error` lines: each must be an error, or the build fails. The runtime checks show
 * that JavaScript hosts still get the same mistakes rejected by zod.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EventMsg,
  Op,
  isEvent,
  type Event,
  type EventOf,
  type ExecApprovalRequestEvent,
  type OpInput,
  type TaskCompleteEvent,
  type Thread,
  type ThreadOptions,
} from 'turnstate';

describe('host API types', () => {
  it('ops: the zod input type (defaults optional), typos rejected', () => {
    const ok: OpInput[] = [
      { type: 'user_input', items: [{ type: 'text', text: 'hi' }] },
      { type: 'exec_approval', id: 'call_1', decision: 'approved_for_session' },
      { type: 'patch_approval', id: 'call_2' }, // decision defaults to denied
      { type: 'user_turn', items: [], cwd: '/w', approval_policy: 'never', sandbox_policy: { type: 'read-only' }, model: 'gpt-5.1' },
    ];
    // @ts-expect-error misspelled op type
    const badType: OpInput = { type: 'user_inptu', items: [] };
    // @ts-expect-error misspelled decision
    const badDecision: OpInput = { type: 'exec_approval', id: 'c', decision: 'aproved' };
    // @ts-expect-error unknown field on an op
    const badField: OpInput = { type: 'interrupt', reason: 'x' };
    expectTypeOf<Parameters<Thread['submit']>[0]>().toExtend<unknown>();
    expectTypeOf<OpInput>().toHaveProperty('type');
    expect(ok.map((op) => Op.safeParse(op).success)).toEqual([true, true, true, true]);
    expect([badType, badDecision].map((op) => Op.safeParse(op).success)).toEqual([false, false]);
    expect(Op.parse(badField)).toEqual({ type: 'interrupt' }); // JSON hosts: unknown keys are stripped
  });

  it('thread options: literal unions, not strings', () => {
    const ok: ThreadOptions = { approvalPolicy: 'untrusted', sandboxPolicy: { type: 'workspace-write' }, effort: 'high' };
    // @ts-expect-error misspelled approval policy
    const badPolicy: ThreadOptions = { approvalPolicy: 'untrusetd' };
    // @ts-expect-error misspelled sandbox type
    const badSandbox: ThreadOptions = { sandboxPolicy: { type: 'workspace-wirte' } };
    // @ts-expect-error misspelled option name
    const badName: ThreadOptions = { aprovalPolicy: 'never' };
    expectTypeOf<ThreadOptions['approvalPolicy']>().toEqualTypeOf<
      'untrusted' | 'on-failure' | 'on-request' | 'never' | { granular: { [k: string]: unknown; sandbox_approval?: boolean; rules?: boolean; skill_approval?: boolean; request_permissions?: boolean; mcp_elicitations?: boolean } } | undefined
    >();
    expect([ok, badPolicy, badSandbox, badName]).toHaveLength(4);
  });

  it('events: a discriminated union with named types and an isEvent narrowing helper', () => {
    const event: Event = { id: 't1', msg: EventMsg.parse({ type: 'task_complete', turn_id: 't1', last_agent_message: 'done' }) };
    expectTypeOf<TaskCompleteEvent>().toEqualTypeOf<EventOf<'task_complete'>>();
    expectTypeOf<TaskCompleteEvent['last_agent_message']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<ExecApprovalRequestEvent['command']>().toEqualTypeOf<string[]>();
    if (event.msg.type === 'agent_message_delta') {
      // @ts-expect-error misspelled event field (`delta`)
      void event.msg.dleta;
    }
    // @ts-expect-error misspelled event type
    const notAType: Event['msg']['type'] = 'task_compelte';
    let last: string | null | undefined;
    if (isEvent(event.msg, 'task_complete')) {
      expectTypeOf(event.msg).toEqualTypeOf<TaskCompleteEvent>();
      last = event.msg.last_agent_message;
    }
    if (isEvent(event, 'exec_approval_request')) expectTypeOf(event.msg).toEqualTypeOf<ExecApprovalRequestEvent>();
    expect(last).toBe('done');
    expect(isEvent(event, 'task_complete')).toBe(true);
    expect(isEvent(event.msg, 'turn_aborted')).toBe(false);
    expect(notAType).toBe('task_compelte');
  });
});
