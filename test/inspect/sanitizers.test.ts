/** Inspector sanitizers: summaries instead of the transcript, redaction, flat traffic per turn. */
import { describe, expect, it } from 'vitest';
import { inspectorSanitizers } from 'turnstate';
import { inspectorBytesPerTurn } from '../../bench/inspector.js';

const history = Array.from({ length: 50 }, (_, i) => ({ type: 'message', role: i % 2 ? 'assistant' : 'user', content: [{ type: 'input_text', text: `secret prompt ${i} `.repeat(20) }] }));
const threadContext = {
  threadId: 't1',
  turn: null,
  settings: { model: 'gpt-5.1', base_instructions: 'You are a coding agent. '.repeat(100) },
  history: { items: history, tokenInfo: null },
};

describe('inspectorSanitizers', () => {
  it('summarises history (count, the last items as short previews) and instructions (length)', () => {
    const { sanitizeContext } = inspectorSanitizers();
    const out = sanitizeContext(threadContext) as { settings: Record<string, unknown>; history: { items: { count: number; last: Array<{ preview: string }> } } };
    expect(out.settings).toEqual({ model: 'gpt-5.1', base_instructions: '<2400 chars>' });
    expect(out.history.items.count).toBe(50);
    expect(out.history.items.last).toHaveLength(3);
    expect(out.history.items.last[2]).toEqual({ type: 'message', role: 'assistant', preview: expect.stringMatching(/^secret prompt 49 .*… \(340 chars\)$/) });
    expect(JSON.stringify(out).length).toBeLessThan(JSON.stringify(threadContext).length / 10);
  });

  it('redacts prompts and tool output, in summaries and in full mode; events too', () => {
    const redact = (text: string, kind: string) => (kind === 'prompt' || kind === 'tool_output' ? '[redacted]' : text);
    const { sanitizeContext, sanitizeEvent } = inspectorSanitizers({ full: true, redact });
    const out = JSON.stringify(sanitizeContext(threadContext));
    expect(out).not.toContain('secret prompt 0');
    expect(out).toContain('secret prompt 1'); // assistant text is model output, kept
    const steer = sanitizeEvent({ type: 'STEER', items: [{ type: 'function_call_output', call_id: 'c1', output: 'rm -rf output' }] });
    expect(steer).toEqual({ type: 'STEER', items: [{ type: 'function_call_output', call_id: 'c1', output: '[redacted]' }] });
  });

  it('inspector bytes per turn at turn 40 stay within 1.5× of turn 1 with the sanitizers (raw traffic grows)', async () => {
    const sanitized = await inspectorBytesPerTurn([1, 40], {});
    const raw = await inspectorBytesPerTurn([1, 40], null);
    expect(sanitized[40]! / sanitized[1]!).toBeLessThanOrEqual(1.5);
    expect(raw[40]! / raw[1]!).toBeGreaterThan(1.5);
  }, 60_000);
});

describe('Watching it live: a local WebSocket inspector, offline', () => {
  it('receives the actor tree with summaries and redacted prompts', async () => {
    const { WebSocketServer } = await import('ws');
    const { scriptedModel, scriptedTurn } = await import('turnstate/testing');
    const { watchedThread } = await import('../../examples/watch-live.js');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const received: string[] = [];
    wss.on('connection', (socket) => socket.on('message', (data: Buffer) => received.push(data.toString())));
    const { port } = wss.address() as { port: number };
    const { thread, stop } = await watchedThread(`ws://127.0.0.1:${port}`, { model: scriptedModel([scriptedTurn.reply('the answer')]), ephemeral: true, cwd: '/tmp' });
    await thread.run('my secret prompt');
    await thread.shutdown();
    // The inspector's socket delivers asynchronously: wait (not a speed check) until the thread's
    // final snapshot (state `shutdown`) has arrived, for as long as a loaded machine needs. Every
    // thread snapshot names `shutdownSubmissionId`, so the match is on the state value.
    const final = (m: string) => m.includes('"value":"shutdown"');
    for (let i = 0; i < 1000 && !received.some(final); i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    await new Promise((r) => wss.close(r));
    const all = received.join('\n');
    expect(received.some(final)).toBe(true);
    expect(received.length).toBeGreaterThan(10);
    expect(all).toContain('"@xstate.snapshot"');
    expect(all).toContain('"count"');
    expect(all).toContain('the answer');
    expect(all).not.toContain('my secret prompt');
  }, 30_000);
});
