/**
 * Converting what hosts and other agents send into history items. Pure: nothing here reads
 * files; a local image reaches the model only if the caller supplies its data URL.
 */
import type { ContentItem, FunctionCallOutputBody, ResponseInputItem, ResponseItem, UserInput } from '../protocol/items.js';
import type { InterAgentCommunication } from '../protocol/ops.js';
import { contentTexts, isMessage } from './classify.js';

/**
 * Text placed before an attached image.
 * @example
 * userInputToMessage([{ type: 'image', image_url: 'https://x/a.png' }]).content[0]; // { type: 'input_text', text: IMAGE_OPEN_TAG }
 */
export const IMAGE_OPEN_TAG = '<image>';
/**
 * Text placed after an attached image.
 * @example
 * userInputToMessage([{ type: 'image', image_url: 'https://x/a.png' }]).content[2]; // { type: 'input_text', text: IMAGE_CLOSE_TAG }
 */
export const IMAGE_CLOSE_TAG = '</image>';
/**
 * Note standing in for a local image whose bytes were not supplied.
 * @example
 * userInputToMessage([{ type: 'local_image', path: '/a.png' }]).content[1]; // { type: 'input_text', text: LOCAL_IMAGE_NOT_ATTACHED }
 */
export const LOCAL_IMAGE_NOT_ATTACHED =
  'The user referred to this local image file, but its contents were not attached to the conversation.';

/**
 * The text placed before a local image, naming its path.
 * @example
 * localImageOpenTag('/tmp/a.png'); // '<image name=/tmp/a.png>'
 */
export function localImageOpenTag(path: string): string {
  return `<image name=${path}>`;
}

/**
 * Options of `userInputToMessage`.
 * @example
 * const opts: UserInputOptions = { resolveLocalImage: (path) => dataUrls.get(path) ?? null };
 */
export interface UserInputOptions {
  /** Returns a data URL for a local image path, or `null` when it cannot be read. */
  resolveLocalImage?: (path: string) => string | null;
}

const text = (value: string): ContentItem => ({ type: 'input_text', text: value });

function imageParts(openTag: string, imageUrl: string): ContentItem[] {
  return [text(openTag), { type: 'input_image', image_url: imageUrl, detail: 'high' }, text(IMAGE_CLOSE_TAG)];
}

/**
 * Converts user input into one `user` message: text becomes `input_text`; an image becomes
 * `<image>`, the image (detail high), `</image>`; a local image is wrapped the same way under
 * `<image name=PATH>` when `resolveLocalImage` yields a data URL, and otherwise becomes that tag
 * with a note that it was not attached. Skills and mentions add nothing (they are injected
 * separately).
 * @example
 * userInputToMessage([{ type: 'text', text: 'hi', text_elements: [] }]);
 * // { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }
 */
export function userInputToMessage(items: readonly UserInput[], opts: UserInputOptions = {}): ResponseItem {
  const content: ContentItem[] = [];
  for (const input of items) {
    switch (input.type) {
      case 'text':
        content.push(text(input.text));
        break;
      case 'image':
        content.push(...imageParts(IMAGE_OPEN_TAG, input.image_url));
        break;
      case 'local_image': {
        const url = opts.resolveLocalImage?.(input.path) ?? null;
        const open = localImageOpenTag(input.path);
        content.push(...(url === null ? [text(open), text(LOCAL_IMAGE_NOT_ATTACHED), text(IMAGE_CLOSE_TAG)] : imageParts(open, url)));
        break;
      }
      case 'skill':
      case 'mention':
        break;
    }
  }
  return { type: 'message', role: 'user', content };
}

/** The text and image parts of an MCP tool result (`{ content: [{ type: 'text' | 'image', … }] }`). */
function mcpResultBody(output: unknown): FunctionCallOutputBody {
  if (typeof output === 'string') return output;
  const content = (output as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return JSON.stringify(output ?? null);
  const parts: Exclude<FunctionCallOutputBody, string> = [];
  for (const part of content as { type?: unknown; text?: unknown; data?: unknown; mimeType?: unknown }[]) {
    if (part?.type === 'text' && typeof part.text === 'string') parts.push({ type: 'input_text', text: part.text });
    else if (part?.type === 'image' && typeof part.data === 'string' && typeof part.mimeType === 'string')
      parts.push({ type: 'input_image', image_url: `data:${part.mimeType};base64,${part.data}` });
    else parts.push({ type: 'input_text', text: JSON.stringify(part) });
  }
  return parts;
}

/**
 * Converts pending or injected input into a history item. MCP tool results become
 * `function_call_output`s (text and image parts kept, anything else as JSON text).
 * @example
 * responseInputToResponseItem({ type: 'function_call_output', call_id: 'c1', output: 'ok' });
 */
export function responseInputToResponseItem(item: ResponseInputItem): ResponseItem {
  switch (item.type) {
    case 'message':
      return { type: 'message', role: item.role, content: [...item.content] };
    case 'function_call_output':
      return { type: 'function_call_output', call_id: item.call_id, output: item.output };
    case 'mcp_tool_call_output':
      return { type: 'function_call_output', call_id: item.call_id, output: mcpResultBody(item.output) };
    case 'custom_tool_call_output':
      return { type: 'custom_tool_call_output', call_id: item.call_id, name: item.name ?? null, output: item.output };
    case 'tool_search_output':
      return { ...item };
  }
}

/**
 * Renders a message from another agent as an assistant message whose single `output_text` is
 * the communication's JSON; such a message counts as a user turn boundary.
 * @example
 * interAgentMessage({ author: '/root', recipient: '/root/w1', other_recipients: [], content: 'go', trigger_turn: true });
 */
export function interAgentMessage(comm: InterAgentCommunication): ResponseItem {
  return { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: JSON.stringify(comm) }] };
}

/** Whether a text part is one of the wrappers `userInputToMessage` puts around images. */
function isImageWrapperText(value: string): boolean {
  return (
    value === IMAGE_OPEN_TAG ||
    value === IMAGE_CLOSE_TAG ||
    value === LOCAL_IMAGE_NOT_ATTACHED ||
    (value.startsWith('<image name=') && value.endsWith('>') && !value.includes('\n'))
  );
}

/**
 * What the user wrote in a `user` message: its text parts without image wrappers, joined by
 * newlines; `null` for anything that is not a user message.
 * @example
 * userMessageText(userInputToMessage([{ type: 'text', text: 'hi', text_elements: [] }])); // 'hi'
 */
export function userMessageText(item: ResponseItem): string | null {
  if (!isMessage(item, 'user')) return null;
  return contentTexts(item.content)
    .filter((value) => !isImageWrapperText(value))
    .join('\n');
}
