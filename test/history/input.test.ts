import { describe, expect, it } from 'vitest';
import type { UserInput } from '../../src/protocol/items.js';
import {
  IMAGE_CLOSE_TAG,
  IMAGE_OPEN_TAG,
  interAgentMessage,
  isUserTurnBoundary,
  LOCAL_IMAGE_NOT_ATTACHED,
  responseInputToResponseItem,
  userInputToMessage,
  userMessageText,
} from '../../src/history/index.js';
import { assistant } from './fixtures.js';

const text = (value: string): UserInput => ({ type: 'text', text: value, text_elements: [] });

describe('userInputToMessage', () => {
  it('turns text into input_text and wraps images in tags', () => {
    expect(userInputToMessage([text('look'), { type: 'image', image_url: 'https://x/a.png' }])).toEqual({
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'look' },
        { type: 'input_text', text: IMAGE_OPEN_TAG },
        { type: 'input_image', image_url: 'https://x/a.png', detail: 'high' },
        { type: 'input_text', text: IMAGE_CLOSE_TAG },
      ],
    });
  });

  it('attaches a local image when the caller resolves it, and notes it otherwise', () => {
    const local: UserInput = { type: 'local_image', path: '/tmp/a.png' };
    expect(userInputToMessage([local], { resolveLocalImage: () => 'data:image/png;base64,AAAA' }).content).toEqual([
      { type: 'input_text', text: '<image name=/tmp/a.png>' },
      { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' },
      { type: 'input_text', text: IMAGE_CLOSE_TAG },
    ]);
    expect(userInputToMessage([local]).content).toEqual([
      { type: 'input_text', text: '<image name=/tmp/a.png>' },
      { type: 'input_text', text: LOCAL_IMAGE_NOT_ATTACHED },
      { type: 'input_text', text: IMAGE_CLOSE_TAG },
    ]);
  });

  it('adds nothing for skills and mentions', () => {
    const items: UserInput[] = [text('hi'), { type: 'skill', name: 's', path: '/s' }, { type: 'mention', name: 'm', path: '/m' }];
    expect(userInputToMessage(items).content).toEqual([{ type: 'input_text', text: 'hi' }]);
  });
});

describe('userMessageText', () => {
  it('joins text parts and leaves out image wrappers', () => {
    const message = userInputToMessage([text('a'), { type: 'image', image_url: 'u' }, { type: 'local_image', path: '/p' }, text('b')]);
    expect(userMessageText(message)).toBe('a\nb');
    expect(userMessageText(assistant('x'))).toBeNull();
  });
});

describe('responseInputToResponseItem', () => {
  it('maps messages and tool outputs one to one', () => {
    expect(responseInputToResponseItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'more' }] })).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'more' }],
    });
    expect(responseInputToResponseItem({ type: 'function_call_output', call_id: 'c', output: 'ok' })).toEqual({
      type: 'function_call_output',
      call_id: 'c',
      output: 'ok',
    });
    expect(responseInputToResponseItem({ type: 'custom_tool_call_output', call_id: 'c', output: 'ok' })).toEqual({
      type: 'custom_tool_call_output',
      call_id: 'c',
      name: null,
      output: 'ok',
    });
  });

  it('turns an MCP result into a function_call_output with text and image parts', () => {
    const output = { content: [{ type: 'text', text: 'hello' }, { type: 'image', data: 'QUJD', mimeType: 'image/png' }, { type: 'audio' }] };
    expect(responseInputToResponseItem({ type: 'mcp_tool_call_output', call_id: 'm', output })).toEqual({
      type: 'function_call_output',
      call_id: 'm',
      output: [
        { type: 'input_text', text: 'hello' },
        { type: 'input_image', image_url: 'data:image/png;base64,QUJD' },
        { type: 'input_text', text: '{"type":"audio"}' },
      ],
    });
    expect(responseInputToResponseItem({ type: 'mcp_tool_call_output', call_id: 'm', output: { ok: 1 } })).toEqual({
      type: 'function_call_output',
      call_id: 'm',
      output: '{"ok":1}',
    });
  });
});

describe('interAgentMessage', () => {
  it('is an assistant message holding the communication JSON, and a turn boundary', () => {
    const comm = { author: '/root', recipient: '/root/w', other_recipients: [], content: 'go', trigger_turn: true };
    const item = interAgentMessage(comm);
    expect(item).toEqual({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: JSON.stringify(comm) }] });
    expect(isUserTurnBoundary(item)).toBe(true);
  });
});
