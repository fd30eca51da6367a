/**
 * Review mode (SPEC §4.4) over the strict mock server: parent and review child requests are
 * told apart by their `instructions` (the child's are the review instructions).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { ev, type RecordedRequest, type ScriptedResponse } from 'turnstate/testing';
import { REVIEW_INSTRUCTIONS } from '../../src/tasks/review/index.js';
import { answer, messages, say, startRig, type Rig } from '../integration/support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const isChild = (req: RecordedRequest) => (req.body as { instructions?: string }).instructions === REVIEW_INSTRUCTIONS;
const bodyOf = (req: RecordedRequest) => req.body as { instructions: string; input: Array<Record<string, unknown>> };
const texts = (req: RecordedRequest) =>
  bodyOf(req).input.flatMap((i) => (i.type === 'message' ? (i.content as Array<{ text?: string }>).map((c) => `${String(i.role)}: ${c.text ?? ''}`) : []));

const VERDICT = {
  findings: [
    {
      title: 'Off-by-one in the loop bound',
      body: 'The loop stops one item early.',
      confidence_score: 0.9,
      priority: 1,
      code_location: { absolute_file_path: '/repo/src/parse.ts', line_range: { start: 10, end: 12 } },
    },
  ],
  overall_correctness: 'patch is incorrect',
  overall_explanation: 'One bug in the parser.',
  overall_confidence_score: 0.8,
};

/** The child's answer: a progress message, reasoning, then the JSON verdict. */
const childAnswer: ScriptedResponse = {
  events: [
    ev.created('c1'),
    ev.reasoningAdded('rs_1'),
    ev.reasoningSummaryPartAdded(0),
    ev.reasoningSummaryDelta('Reading the parser'),
    ev.reasoning('rs_1', ['Reading the parser']),
    ev.assistantMessage('m_progress', 'Looking at the parser now.', 'commentary'),
    ev.messageAdded('m_verdict'),
    ev.textDelta(JSON.stringify(VERDICT)),
    ev.assistantMessage('m_verdict', JSON.stringify(VERDICT), 'final_answer'),
    ev.completed('c1'),
  ],
};

/** Event types of one submission, with item types, keeping only the review-relevant ones. */
function reviewKinds(rig: Rig, id: string): string[] {
  const keep = new Set(['entered_review_mode', 'task_started', 'agent_message', 'agent_message_delta', 'agent_message_content_delta', 'agent_reasoning', 'exited_review_mode', 'task_complete', 'turn_aborted', 'error']);
  return rig.log.events
    .filter((e) => e.id === id)
    .map((e) => (e.msg.type === 'item_completed' ? `item_completed:${e.msg.item.type}` : e.msg.type))
    .filter((t) => keep.has(t) || t === 'item_completed:AgentMessage');
}

describe('review mode', () => {
  it('custom target: entered → child events (filtered) → exited with the parsed output → task_complete; synthetic messages reach the next parent request', async () => {
    let parentRequests = 0;
    const script = (req: RecordedRequest): ScriptedResponse => {
      if (isChild(req)) return childAnswer;
      parentRequests += 1;
      return answer(`p${parentRequests}`, parentRequests === 1 ? 'Hello there.' : 'Noted.');
    };
    const inspected: InspectionEvent[] = [];
    rig = await startRig(script, { inspect: (e) => void inspected.push(e) });
    const first = await rig.thread.submit(say('hello parent'));
    await rig.log.untilType('task_complete', { id: first });

    const id = await rig.thread.submit({ type: 'review', review_request: { target: { type: 'custom', instructions: '  Check the parser change  ' } } });
    await rig.log.untilType('task_complete', { id });

    expect(reviewKinds(rig, id)).toEqual([
      'entered_review_mode',
      'task_started', // the child's, forwarded
      // As in Codex: the forwarded reasoning item is projected again on the parent, and the
      // child's own legacy `agent_reasoning` is forwarded too (only legacy deltas are dropped).
      'agent_reasoning',
      'agent_reasoning',
      'agent_message', // the progress message, released when the verdict arrived
      'exited_review_mode',
      'item_completed:AgentMessage', // the rendered review
      'agent_message',
      'task_complete',
    ]);
    expect(messages(rig.log, 'entered_review_mode', id)).toEqual([
      { type: 'entered_review_mode', target: { type: 'custom', instructions: '  Check the parser change  ' }, user_facing_hint: 'Check the parser change' },
    ]);
    expect(messages(rig.log, 'exited_review_mode', id)).toEqual([{ type: 'exited_review_mode', review_output: VERDICT }]);
    const agentMessages = messages(rig.log, 'agent_message', id).map((m) => m.message);
    expect(agentMessages[0]).toBe('Looking at the parser now.');
    expect(agentMessages[1]).toContain('One bug in the parser.');
    expect(agentMessages[1]).toContain('- Off-by-one in the loop bound — /repo/src/parse.ts:10-12');
    expect(agentMessages.join('\n')).not.toContain('"findings"');
    expect(messages(rig.log, 'task_complete', id)[0]?.last_agent_message).toBeNull();
    // Seed 004: the child's legacy deltas are dropped; the parent projects its own once.
    expect(messages(rig.log, 'reasoning_content_delta', id)).toHaveLength(1);
    expect(messages(rig.log, 'agent_reasoning_delta', id)).toHaveLength(1);
    // The review child shows in the inspector as a `delegate` actor under the review turn.
    const delegate = inspected.find((e) => e.type === '@xstate.actor' && /^delegate:/.test((e.actorRef as unknown as { systemId?: string }).systemId ?? ''))
      ?.actorRef as (AnyActorRef & { _parent?: AnyActorRef }) | undefined;
    expect(delegate?._parent?.id).toBe(`turn:${id}`);
    expect(delegate?.getSnapshot().output).toMatchObject({ outcome: 'finished', drainTimedOut: false });

    // The child saw the review instructions and prompt, and none of the parent's history.
    const childRequests = rig.server.requests.filter(isChild);
    expect(childRequests).toHaveLength(1);
    const childTexts = texts(childRequests[0]!);
    expect(childTexts).toContain('user: Check the parser change');
    expect(childTexts.join('\n')).not.toContain('hello parent');
    expect(childTexts.join('\n')).not.toContain('Hello there.');

    // The parent's next request carries the two synthetic messages, then the new input.
    const next = await rig.thread.submit(say('fix it'));
    await rig.log.untilType('task_complete', { id: next });
    const parentLast = rig.server.requests.filter((r) => !isChild(r)).at(-1)!;
    const parentTexts = texts(parentLast);
    const userAction = parentTexts.findIndex((t) => t.startsWith('user: <user_action>') && t.includes('One bug in the parser.'));
    const rendered = parentTexts.findIndex((t) => t.startsWith('assistant: One bug in the parser.'));
    expect(userAction).toBeGreaterThan(parentTexts.indexOf('assistant: Hello there.'));
    expect(rendered).toBe(userAction + 1);
    expect(parentTexts.at(-1)).toBe('user: fix it');
    expect(parentTexts[userAction]).toContain('- Off-by-one in the loop bound — /repo/src/parse.ts:10-12');
    expect(parentTexts[rendered]).not.toContain('<user_action>');
  });

  it('interrupted mid-stream: exited_review_mode without output, then turn_aborted; the parent records the interrupted review', async () => {
    let parentRequests = 0;
    const script = (req: RecordedRequest): ScriptedResponse => {
      if (isChild(req)) return { events: [ev.created('c1'), ev.reasoning('rs_1', ['Starting'])], hold: true };
      parentRequests += 1;
      return answer(`p${parentRequests}`);
    };
    rig = await startRig(script);
    const id = await rig.thread.submit({ type: 'review', review_request: { target: { type: 'custom', instructions: 'Check everything' } } });
    await rig.log.untilType('agent_reasoning', { id });
    const childIndex = rig.server.requests.findIndex(isChild);

    // Steering a review turn is refused.
    const steer = await rig.thread.submit(say('also look at the tests'));
    const refused = await rig.log.untilType('error', { id: steer });
    expect(refused.msg).toMatchObject({ message: 'cannot steer a review turn', codex_error_info: { active_turn_not_steerable: { turn_kind: 'review' } } });

    await rig.thread.submit({ type: 'interrupt' });
    const aborted = await rig.log.untilType('turn_aborted', { id });
    expect(aborted.msg.reason).toBe('interrupted');
    const kinds = reviewKinds(rig, id);
    expect(kinds.slice(kinds.indexOf('exited_review_mode'))).toEqual(['exited_review_mode', 'item_completed:AgentMessage', 'agent_message', 'turn_aborted']);
    expect(messages(rig.log, 'exited_review_mode', id)).toEqual([{ type: 'exited_review_mode', review_output: null }]);
    expect(messages(rig.log, 'task_complete', id)).toEqual([]);
    // The child's stream was cancelled by its interrupt.
    expect(await rig.server.waitForClose(childIndex)).toBe('client_closed');

    const next = await rig.thread.submit(say('what happened?'));
    await rig.log.untilType('task_complete', { id: next });
    const parentTexts = texts(rig.server.requests.filter((r) => !isChild(r)).at(-1)!);
    const userAction = parentTexts.findIndex((t) => t.startsWith('user: <user_action>') && t.includes('interrupted'));
    expect(userAction).toBeGreaterThanOrEqual(0);
    expect(parentTexts[userAction + 1]).toMatch(/^assistant: The review was interrupted/);
  });

  it('a git target that does not resolve answers with an error and starts no turn', async () => {
    rig = await startRig([]);
    const id = await rig.thread.submit({ type: 'review', review_request: { target: { type: 'uncommittedChanges' } } });
    const error = await rig.log.untilType('error', { id });
    expect(error.msg.codex_error_info).toBe('other');
    expect(error.msg.message).toMatch(/^uncommitted changes can only be reviewed inside a git working tree/);
    await rig.thread.whenProcessed();
    expect(rig.log.events.filter((e) => e.id === id).map((e) => e.msg.type)).toEqual(['error']);
    expect(rig.server.requests).toHaveLength(0);
  });
});
