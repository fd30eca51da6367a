/**
 * The buddy observer over the strict mock Responses server (seed 000): a reaction after a
 * finished turn, none after an interrupted one or for a muted or nameless buddy, a failing
 * observer request that changes nothing, and an observer reply held back while the next turn
 * runs to completion. Observer requests are told apart from turn requests by their instructions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BUDDY_OBSERVER_INSTRUCTIONS, type Event } from 'turnstate';
import { ev, type MockScript, type RecordedRequest, type ScriptedResponse } from 'turnstate/testing';
import { inputOf, kinds, readTurn, readUntil, say, startEngine, userMessage, withoutInitialContext, type EngineSetup, type Harness } from '../engine/support.js';

let h: Harness | undefined;
let seen: Event[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Body = { instructions?: string; model?: string; tools?: unknown[]; input?: Array<{ content?: Array<{ text?: string }> }>; text?: unknown };
const body = (r: RecordedRequest) => r.body as Body;
const isObserver = (r: RecordedRequest) => body(r).instructions === BUDDY_OBSERVER_INSTRUCTIONS;
const observerPrompt = (r: RecordedRequest) => body(r).input?.[0]?.content?.[0]?.text ?? '';

const answer = (id: string, text = 'ok'): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`m-${id}`, text), ev.completed(id)] });
/** An observer reply streamed as text deltas (as a structured-output response arrives). */
const reply = (id: string, json: unknown): ScriptedResponse => ({
  events: [ev.created(id), ev.messageAdded(`m-${id}`), ev.textDelta(JSON.stringify(json)), ev.assistantMessage(`m-${id}`, JSON.stringify(json)), ev.completed(id)],
});

/** Turn requests get `turns` in order; observer requests get `observer(n)` for the n-th of them. */
function routed(turns: ScriptedResponse[], observer: (n: number) => ScriptedResponse | Promise<ScriptedResponse>): MockScript {
  let t = 0;
  let o = 0;
  return (request) => (isObserver(request) ? observer(o++) : turns[t++]);
}

async function start(script: MockScript, setup: EngineSetup): Promise<{ h: Harness; seen: Event[] }> {
  const harness = await startEngine(script, setup);
  const seen: Event[] = [];
  harness.thread.onEvent((event) => seen.push(event));
  return { h: harness, seen };
}

const reactions = (events: readonly Event[]) => events.filter((e) => e.msg.type === 'buddy_reaction').map((e) => ({ id: e.id, msg: e.msg }));

describe('buddy observer', () => {
  it('reacts to a finished turn with buddy_reaction under the turn id, after task_complete', async () => {
    ({ h } = await start(
      routed([answer('r1', 'Renamed the helper and the tests pass.')], () => reply('b1', { say: '  Tidy\nwork!  ' })),
      { buddy: { name: 'Pixel', species: 'owl' } },
    ));

    const turnId = await h.thread.submit(say('rename it'));
    const events = await readUntil(h.thread, 'buddy_reaction');

    expect(kinds(events).slice(-2)).toEqual(['task_complete', 'buddy_reaction']);
    expect(events.at(-1)).toEqual({ id: turnId, msg: { type: 'buddy_reaction', text: 'Tidy work!' } });
    const observer = h.server.requests.filter(isObserver);
    expect(observer).toHaveLength(1);
    const sent = body(observer[0] as RecordedRequest);
    expect({ model: sent.model, tools: sent.tools, inputs: sent.input?.length, text: sent.text }).toEqual({ model: 'gpt-test', tools: [], inputs: 1, text: undefined });
    const prompt = observerPrompt(observer[0] as RecordedRequest);
    expect(prompt).toContain('Your name is Pixel; you are a small owl');
    expect(prompt).toContain('<assistant>\nRenamed the helper and the tests pass.\n</assistant>');
    expect(prompt).toContain('at most 80 characters');
  });

  it('sends the {say} schema as text.format when the model follows output schemas, to observer.model, and cuts to maxReactionChars', async () => {
    const inspected = new Set<string>();
    ({ h } = await start(routed([answer('r1')], () => reply('b1', { say: 'What a lovely little refactor' })), {
      inspect: (event) => void inspected.add((event.actorRef as { id?: string }).id ?? ""),
      modelCapabilities: { outputSchema: true },
      buddy: { name: 'Pixel', observer: { model: 'gpt-4.1-mini', maxReactionChars: 10 } },
    }));

    const turnId = await h.thread.submit(say('go'));
    const events = await readUntil(h.thread, 'buddy_reaction');

    expect(reactions(events)).toEqual([{ id: turnId, msg: { type: 'buddy_reaction', text: 'What a lo…' } }]);
    const sent = body(h.server.requests.find(isObserver) as RecordedRequest);
    expect(sent.model).toBe('gpt-4.1-mini');
    expect(sent.text).toEqual({
      format: { type: 'json_schema', name: 'buddy_reaction', strict: true, schema: { type: 'object', additionalProperties: false, properties: { say: { type: 'string' } }, required: ['say'] } },
    });
    expect(observerPrompt(h.server.requests.find(isObserver) as RecordedRequest)).toContain('at most 10 characters');
    expect(inspected.has(`buddy:${turnId}`)).toBe(true);
  });

  it('does not delay the next turn: with the reply held back, turn 2 runs to completion, then the reaction to turn 1 arrives', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    ({ h } = await start(
      routed([answer('r1', 'first'), answer('r2', 'second')], async (n) => {
        if (n > 0) return reply(`b${n}`, { say: null });
        await held;
        return reply('b0', { say: 'Late but proud' });
      }),
      { buddy: { name: 'Pixel' } },
    ));

    const first = await h.thread.submit(say('one'));
    const turn1 = await readTurn(h.thread);
    const observerRequest = (await h.server.waitForRequests(2))[1];
    expect(observerRequest && isObserver(observerRequest)).toBe(true);
    const second = await h.thread.submit(say('two'));
    const turn2 = await readTurn(h.thread);
    // Turn 2 ran to completion while the observer request of turn 1 was still unanswered.
    expect(h.server.requests[1]?.connection).toBe('open');
    expect(turn2.at(-1)?.msg).toMatchObject({ type: 'task_complete', turn_id: second, last_agent_message: 'second' });
    expect(reactions([...turn1, ...turn2])).toEqual([]);

    release();
    const after = await readUntil(h.thread, 'buddy_reaction');
    expect(reactions(after)).toEqual([{ id: first, msg: { type: 'buddy_reaction', text: 'Late but proud' } }]);
    await h.server.waitForRequests(4);
    expect(h.server.requests.filter(isObserver).map(observerPrompt).map((p) => p.includes('<assistant>\nsecond\n'))).toEqual([false, true]);
  });

  it('stops an observer request still running when the thread shuts down', async () => {
    const never = new Promise<ScriptedResponse>(() => undefined);
    ({ h, seen } = await start(routed([answer('r1')], () => never), { buddy: { name: 'Pixel' } }));

    await h.thread.submit(say('one'));
    await readTurn(h.thread);
    await h.server.waitForRequests(2);
    await h.thread.shutdown();

    expect(await h.server.waitForClose(1)).toBe('client_closed');
    expect(seen.at(-1)?.msg.type).toBe('shutdown_complete');
    expect(reactions(seen)).toEqual([]);
  });

  it('does not react to an interrupted turn', async () => {
    ({ h, seen } = await start(
      routed([{ events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Work')], hold: true }, answer('r2', 'done')], (n) => reply(`b${n}`, { say: 'Yay' })),
      { buddy: { name: 'Pixel' } },
    ));

    const first = await h.thread.submit(say('start'));
    await readUntil(h.thread, 'agent_message_content_delta');
    await h.thread.submit({ type: 'interrupt' });
    expect((await readTurn(h.thread)).at(-1)?.msg).toMatchObject({ type: 'turn_aborted', turn_id: first });
    const second = await h.thread.submit(say('again'));
    await readUntil(h.thread, 'buddy_reaction');

    // One observer request, for the finished turn only.
    expect(h.server.requests.filter(isObserver).map(observerPrompt).map((p) => p.includes('<assistant>\ndone\n'))).toEqual([true]);
    expect(reactions(seen)).toEqual([{ id: second, msg: { type: 'buddy_reaction', text: 'Yay' } }]);
  });

  it.each([
    ['muted', { name: 'Pixel', muted: true }],
    ['nameless', { name: '   ' }],
  ])('a %s buddy asks nothing and says nothing', async (_label, buddy) => {
    ({ h, seen } = await start(routed([answer('r1'), answer('r2')], (n) => reply(`b${n}`, { say: 'Yay' })), { buddy }));

    await h.thread.submit(say('one'));
    await readTurn(h.thread);
    await h.thread.submit(say('two'));
    await readTurn(h.thread);
    await h.thread.shutdown();

    expect(seen.at(-1)?.msg.type).toBe('shutdown_complete');
    expect(reactions(seen)).toEqual([]);
    expect(h.server.requests.map(isObserver)).toEqual([false, false]);
  });

  it.each([
    ['an HTTP error', { status: 400, body: { error: { type: 'invalid_request_error', message: 'nope' } } } as ScriptedResponse, 1],
    ['a stream cut short', { events: [ev.created('b0'), ev.textDelta('{"say":"Hal')], abrupt: true } as ScriptedResponse, 1],
    // Not a failed request, so not logged: the parser finds no reaction in it.
    ['a reply that is not JSON', { events: [ev.created('b0'), ev.assistantMessage('mb', 'Nice one!'), ev.completed('b0')] } as ScriptedResponse, 0],
  ])('an observer request that fails (%s) changes nothing on the thread', async (_label, failure, logLines) => {
    const logged: string[] = [];
    const logger = { warn: (m: string) => logged.push(`warn: ${m}`), debug: (m: string) => logged.push(`debug: ${m}`) };
    ({ h, seen } = await start(routed([answer('r1', 'first'), answer('r2', 'second')], (n) => (n === 0 ? failure : reply('b1', { say: 'Back again' }))), { buddy: { name: 'Pixel' }, logger }));

    await h.thread.submit(say('one'));
    await readTurn(h.thread);
    await h.server.waitForClose(1);
    const second = await h.thread.submit(say('two'));
    const turn2 = await readTurn(h.thread);
    await readUntil(h.thread, 'buddy_reaction');

    expect(turn2.at(-1)?.msg).toMatchObject({ type: 'task_complete', last_agent_message: 'second' });
    expect(seen.filter((e) => e.msg.type === 'error' || e.msg.type === 'warning' || e.msg.type === 'stream_error')).toEqual([]);
    expect(reactions(seen)).toEqual([{ id: second, msg: { type: 'buddy_reaction', text: 'Back again' } }]);
    // The failed request left nothing in history: turn 2's request holds only the two turns.
    const turn2Request = h.server.requests.findIndex((r, i) => i > 0 && !isObserver(r));
    expect(withoutInitialContext(inputOf(h.server, turn2Request))).toEqual([
      userMessage('one'),
      expect.objectContaining({ role: 'assistant', content: [expect.objectContaining({ text: 'first' })] }),
      userMessage('two'),
    ]);
    expect(logged.filter((l) => l === 'debug: buddy observer request failed')).toHaveLength(logLines);
  });
});
