/** OpenTelemetry spans of a tool turn, recorded with the SDK's in-memory exporter. */
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createThread, defineTool } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => trace.disable());

const wordCount = defineTool({ name: 'word_count', description: 'Counts words.', parameters: z.object({ text: z.string() }), execute: ({ text }) => `${text.split(' ').length} words` });
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('tracing', () => {
  it('thread → turn → sampling_request ×2 and tool_call, with Codex-ish attributes; sampling spans carry the model', async () => {
    exporter.reset();
    const model = scriptedModel([scriptedTurn.functionCall('call_1', 'word_count', '{"text":"a b c"}'), scriptedTurn.reply('3 words')]);
    const thread = await createThread({ model, tools: [wordCount], builtinTools: false, ephemeral: true, cwd: '/tmp' });
    const result = await thread.run('count a b c');
    expect(result.status).toBe('completed');
    await thread.shutdown();

    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => spans.filter((s) => s.name === name);
    const [threadSpan] = byName('thread');
    const [turn] = byName('turn');
    expect(threadSpan?.attributes).toMatchObject({ 'conversation.id': thread.id, model: 'scripted-model' });
    expect(parentOf(threadSpan!)).toBeUndefined();
    expect(turn?.attributes).toMatchObject({ 'turn.id': result.turnId, 'turn.outcome': 'completed' });
    expect(parentOf(turn!)).toBe(threadSpan?.spanContext().spanId);
    const sampling = byName('sampling_request');
    expect(sampling).toHaveLength(2);
    expect(sampling.every((s) => parentOf(s) === turn?.spanContext().spanId)).toBe(true);
    const [tool] = byName('tool_call');
    expect(tool?.attributes).toMatchObject({ tool_name: 'word_count', call_id: 'call_1', 'turn.id': result.turnId });
    expect(parentOf(tool!)).toBe(turn?.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('honours the W3C trace context of a submission and times approval waits', async () => {
    exporter.reset();
    const thread = await createThread({ model: scriptedModel([scriptedTurn.reply('hi')]), ephemeral: true, cwd: '/tmp' });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await thread.submitWithId({ id: 'turn-1', op: { type: 'user_input', items: [{ type: 'text', text: 'hi' }] }, trace: { traceparent } });
    await thread.whenProcessed();
    const approver = thread.spawnTask({ kind: 'approver', run: async (ctx) => String(await ctx.requestApproval({ approvalId: 'a1', kind: 'exec' })) }, null);
    await approver;
    await thread.submit({ type: 'exec_approval', id: 'a1', decision: 'denied' });
    await thread.shutdown();
    const spans = exporter.getFinishedSpans();
    const turn = spans.find((s) => s.name === 'turn' && s.attributes['turn.id'] === 'turn-1');
    expect(turn?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(parentOf(turn!)).toBe('b7ad6b7169203331');
    const wait = spans.find((s) => s.name === 'approval_wait');
    expect(wait?.attributes).toMatchObject({ 'approval.id': 'a1', 'approval.kind': 'exec', decision: 'denied' });
  });
});
