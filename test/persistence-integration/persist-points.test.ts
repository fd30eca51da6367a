/**
 * Persist points on a rollout that already exists: a user turn's "materialise the rollout"
 * step costs no recorder round trip once the file is there and writes succeed (the recorded
 * lines are written in the background and by the turn's closing flush), while a rollout not
 * yet materialised, or one whose last write failed, still goes to the recorder.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { InMemoryThreadStore, JsonlThreadStore } from '../../src/persistence/index.js';
import { StoreRecorder } from '../../src/runtime/persistence-wiring.js';
import { FlakyStore } from '../persistence/support/flaky-store.js';
import { sessionMeta } from '../persistence/support/fixtures.js';
import { cleanUp, freshHome, open, readLines, userTurn } from './support.js';

afterEach(cleanUp);

const ID = '0193e0b2-7a4c-7000-8000-0000000000p1';
const said = (message: string) => ({ type: 'event_msg' as const, payload: { type: 'agent_message' as const, message } });

describe('persist points on a materialised rollout', () => {
  it('sends the recorder one persist (the first prompt) and one flush per turn; every turn is in the file when it ends', async () => {
    const requests: string[] = [];
    const inspect = (ev: InspectionEvent) => {
      const event = ev.type === '@xstate.event' ? (ev.event as { type: string; request?: { kind: string } }) : null;
      if (event?.type === 'REQUEST' && event.request !== undefined) requests.push(event.request.kind);
    };
    const home = await freshHome();
    const model = scriptedModel([scriptedTurn.reply('one'), scriptedTurn.reply('two'), scriptedTurn.reply('three')]);
    const s = await open({ home, model, store: new JsonlThreadStore({ home }), inspect });
    const path = s.thread.rolloutPath as string;
    for (const text of ['first', 'second', 'third']) {
      await userTurn(s, `turn-${text}`, text);
      const lines = readLines(path);
      expect(lines.filter((l) => l.payload.type === 'user_message').map((l) => l.payload.message)).toContain(text);
      expect(lines.filter((l) => l.payload.type === 'task_started').map((l) => l.payload.turn_id)).toContain(`turn-${text}`);
    }
    expect(requests).toEqual(['persist', 'flush', 'flush', 'flush']);
    const replies = readLines(path).filter((l) => l.payload.type === 'agent_message');
    expect(replies.map((l) => l.payload.message)).toEqual(['one', 'two', 'three']);
  });

  it('asks for a persist until the rollout exists, and again after a failed write until it is retried', async () => {
    const store = new FlakyStore(new InMemoryThreadStore());
    const warnings: string[] = [];
    const recorder = new StoreRecorder({ store, meta: sessionMeta(ID), onWarning: (m) => warnings.push(m) });
    expect(recorder.needsPersist).toBe(true);
    recorder.record([said('a')]);
    await recorder.persist();
    expect(recorder.needsPersist).toBe(false);

    store.failNext('append', 1);
    recorder.record([said('b')]);
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    expect(recorder.needsPersist).toBe(true);
    await recorder.persist();
    expect(recorder.needsPersist).toBe(false);
    const messages = (await store.read(ID)).items.flatMap((i) => (i.type === 'event_msg' && i.payload.type === 'agent_message' ? [i.payload.message] : []));
    expect(messages).toEqual(['a', 'b']);
    await recorder.shutdown();
  });
});
