import { describe, expect, it } from 'vitest';
import { createThread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';

describe('smoke', () => {
  it('runs a turn', async () => {
    const model = scriptedModel([scriptedTurn.reply('Hello!')]);
    const thread = await createThread({ model, cwd: '/tmp' });
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
    const seen: string[] = [];
    for await (const ev of thread.events()) {
      seen.push(`${ev.id === id ? 'T' : ev.id}:${ev.msg.type}`);
      if (ev.msg.type === 'task_complete') break;
    }
    console.log(seen.join('\n'));
    await thread.shutdown();
    expect(seen.at(-1)).toBe('T:task_complete');
  });
});
