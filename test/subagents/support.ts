/**
 * Sub-agent test kit: one mock Responses server serving a parent thread and its children,
 * routed by request content (a child's first user message carries `CHILD`), with each
 * side's responses counted separately.
 */
import { ev, type MockEvent, type MockScript, type RecordedRequest, type ScriptedResponse } from 'turnstate/testing';

/** The marker a child's task text carries. */
export const CHILD = 'CHILD';

type Input = Array<Record<string, unknown>>;
const inputOf = (req: RecordedRequest): Input => (req.body as { input?: Input }).input ?? [];

/** The user-message texts of a request. */
export function userTexts(req: RecordedRequest): string[] {
  return inputOf(req).flatMap((i) => (i.type === 'message' && i.role === 'user' ? (i.content as Array<{ text?: string }>).map((c) => c.text ?? '') : []));
}

/** Whether a request comes from a child thread (its task mentions `CHILD`). */
export const isChild = (req: RecordedRequest): boolean => userTexts(req).some((t) => t.startsWith(CHILD));

/** The output a request sends back for a call. */
export function outputOf(req: RecordedRequest, callId: string): string | undefined {
  const item = inputOf(req).find((i) => i.type === 'function_call_output' && i.call_id === callId);
  return item?.output as string | undefined;
}

/** The function tool names a request offers. */
export const toolNames = (req: RecordedRequest): string[] => ((req.body as { tools?: Array<{ name?: string }> }).tools ?? []).map((t) => t.name ?? '');

/** A step of one side's script: a response, or a function of the request that gets one. */
export type Step = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>);

/**
 * Routes parent and child requests to their own scripts (the n-th parent request gets
 * `parent[n]`); every request is kept in `parentRequests` / `childRequests`.
 */
export function routed(parent: Step[], child: Step[]) {
  const parentRequests: RecordedRequest[] = [];
  const childRequests: RecordedRequest[] = [];
  const script: MockScript = async (req) => {
    const side = isChild(req) ? childRequests : parentRequests;
    const steps = side === childRequests ? child : parent;
    side.push(req);
    const step = steps[side.length - 1];
    if (step === undefined) throw new Error(`no scripted ${side === childRequests ? 'child' : 'parent'} response #${side.length - 1}`);
    return typeof step === 'function' ? step(req) : step;
  };
  return { script, parentRequests, childRequests };
}

/** A response making tool calls. */
export const calls = (id: string, ...items: MockEvent[]): ScriptedResponse => ({ events: [ev.created(id), ...items, ev.completed(id)] });
/** A response with a final assistant message. */
export const answer = (id: string, text = 'done'): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`m_${id}`, text), ev.completed(id)] });
/** A function call with JSON arguments. */
export const call = (callId: string, name: string, args: unknown): MockEvent => ev.functionCall(callId, name, JSON.stringify(args));

/** The agent id a spawn call's output carries (read from a later request). */
export function agentIdFrom(req: RecordedRequest, spawnCallId: string): string {
  const output = outputOf(req, spawnCallId);
  if (output === undefined) throw new Error(`no output for ${spawnCallId}`);
  return (JSON.parse(output) as { agent_id: string }).agent_id;
}
