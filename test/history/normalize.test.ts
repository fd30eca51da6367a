import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../../src/protocol/items.js';
import { forPrompt, IMAGE_OMITTED_TEXT } from '../../src/history/index.js';
import {
  assistant,
  customCall,
  customOutput,
  fnCall,
  fnOutput,
  ghost,
  other,
  searchCall,
  searchOutput,
  shellCall,
  user,
} from './fixtures.js';

describe('forPrompt', () => {
  it('synthesises an aborted output of the right type right after each unanswered call', () => {
    const items = [user('go'), fnCall('f1'), customCall('c1'), shellCall('s1'), searchCall('t1'), assistant('x')];
    expect(forPrompt(items)).toEqual([
      user('go'),
      fnCall('f1'),
      { type: 'function_call_output', call_id: 'f1', output: 'aborted' },
      customCall('c1'),
      { type: 'custom_tool_call_output', call_id: 'c1', name: 'apply_patch', output: 'aborted' },
      shellCall('s1'),
      { type: 'function_call_output', call_id: 's1', output: 'aborted' },
      searchCall('t1'),
      { type: 'tool_search_output', call_id: 't1', status: 'completed', execution: 'client', tools: [] },
      assistant('x'),
    ]);
  });

  it('keeps answered calls as they are', () => {
    const items = [fnCall('f1'), user('steer'), fnOutput('f1'), customCall('c1'), customOutput('c1'), searchCall('t1'), searchOutput('t1')];
    expect(forPrompt(items)).toEqual(items);
  });

  it('removes orphan outputs, including outputs whose call is of another kind', () => {
    const items = [fnOutput('gone'), customCall('c1'), fnOutput('c1'), customOutput('c1'), searchOutput('t9'), user('u')];
    expect(forPrompt(items)).toEqual([customCall('c1'), customOutput('c1'), user('u')]);
  });

  it('keeps only the first of repeated outputs for one call', () => {
    expect(forPrompt([fnCall('f1'), fnOutput('f1', 'first'), fnOutput('f1', 'second')])).toEqual([fnCall('f1'), fnOutput('f1', 'first')]);
  });

  it('leaves calls without a call_id alone', () => {
    const serverSearch: ResponseItem = { type: 'tool_search_call' };
    const shell: ResponseItem = { type: 'local_shell_call', status: 'completed', action: { type: 'exec', command: ['ls'] } };
    expect(forPrompt([serverSearch, shell])).toEqual([serverSearch, shell]);
  });

  it('drops ghost snapshots and other items', () => {
    expect(forPrompt([ghost(), user('a'), other()])).toEqual([user('a')]);
  });

  it('replaces images in messages and tool outputs when the model lacks image input', () => {
    const image = { type: 'input_image' as const, image_url: 'data:image/png;base64,AAAA', detail: 'high' as const };
    const message: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'see' }, image] };
    const output: ResponseItem = { type: 'function_call_output', call_id: 'f1', output: [image] };
    const omitted = { type: 'input_text', text: IMAGE_OMITTED_TEXT };
    expect(forPrompt([message, fnCall('f1'), output], { imageInput: false })).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'see' }, omitted] },
      fnCall('f1'),
      { type: 'function_call_output', call_id: 'f1', output: [omitted] },
    ]);
    expect(forPrompt([message], { imageInput: true })).toEqual([message]);
    expect(forPrompt([message])).toEqual([message]);
  });

  it('does not modify its input', () => {
    const items = [fnCall('f1'), fnOutput('zz')];
    const copy = structuredClone(items);
    forPrompt(items, { imageInput: false });
    expect(items).toEqual(copy);
  });
});
