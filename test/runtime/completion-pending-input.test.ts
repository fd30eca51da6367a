/**
 * Input that reaches a turn while its completion flush is still running (steered or injected)
 * joins that turn: it is recorded once, before `task_complete`, and the next turn's request
 * carries it once. A turn with nothing left to record records nothing extra.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createThread, type MemoryRecorder, type Thread } from 'turnstate';
import { GatedRecorder } from '../support/gated-recorder.js';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { turnActorId } from '../../machines/actor-ids.js';
import { EventLog } from './harness.js';

let thread: Thread | undefined;
afterEach(async () => {
  await thread?.shutdown();
  thread = undefined;
});

const texts = (thread: Thread): string[] =>
  thread.actor
    .getSnapshot()
    .context.history.items.flatMap((i) => (i.type === 'message' ? i.content.map((c) => ('text' in c ? c.text : '')) : []));

const recordedTexts = (recorder: MemoryRecorder): string[] =>
  recorder.items.flatMap((line) =>
    line.type === 'response_item' && line.payload.type === 'message' ? line.payload.content.map((c) => ('text' in c ? c.text : '')) : [],
  );

describe('pending input at a turn’s completion', () => {
  it('a steer and an injected message arriving during the completion flush are recorded once, before task_complete', async () => {
    const recorder = new GatedRecorder();
    const model = scriptedModel([scriptedTurn.reply('All done'), scriptedTurn.reply('Next')]);
    thread = await createThread({ model, cwd: '/tmp', recorder });
    const log = new EventLog(thread);
    const gate = recorder.armNextFlush();
    const turn = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'finish up' }] });
    await gate.reached;
    // The held flush is the turn's completion flush.
    expect(thread.actor.getSnapshot().children[turnActorId(turn)]?.getSnapshot().value).toEqual({ completing: 'flushing' });
    expect(await thread.steerInput([{ type: 'text', text: 'late steer' }], turn)).toBe(turn);
    expect(await thread.injectResponseItems([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'late inject' }] }])).toBe('pending_input');
    gate.release();
    await log.untilType('task_complete', { id: turn });

    const turnTypes = log.types({ id: turn });
    const complete = turnTypes.lastIndexOf('task_complete');
    expect(turnTypes.slice(0, complete).filter((t) => t === 'user_message')).toHaveLength(3);
    expect(texts(thread).filter((t) => t === 'late steer' || t === 'late inject')).toEqual(['late steer', 'late inject']);

    const next = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'next' }] });
    await log.untilType('task_complete', { id: next });
    expect(texts(thread).filter((t) => t === 'late steer' || t === 'late inject')).toEqual(['late steer', 'late inject']);
    expect(recordedTexts(recorder).filter((t) => t === 'late steer' || t === 'late inject')).toEqual(['late steer', 'late inject']);
  });

  it('a turn with nothing steered records only its own items', async () => {
    const recorder = new GatedRecorder();
    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('All done')]), cwd: '/tmp', recorder });
    const log = new EventLog(thread);
    const turn = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'finish up' }] });
    await log.untilType('task_complete', { id: turn });
    expect(texts(thread)).toEqual(expect.arrayContaining(['finish up', 'All done']));
    expect(log.types({ id: turn }).filter((t) => t === 'user_message')).toHaveLength(1);
  });
});
