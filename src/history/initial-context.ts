/**
 * The context injected at the start of a thread (and after compactions that drop it): what
 * the agent may do, the project instructions, and where it is running.
 */
import type { ResponseItem } from '../protocol/items.js';
import type { AskForApproval, SandboxPolicy } from '../protocol/config.js';
import { describeApprovalPolicy, describeSandboxPolicy, networkAccess, sandboxModeName } from './permissions.js';

/**
 * Settings the initial context describes.
 * @example
 * const settings: InitialContextSettings = { cwd: '/repo', shell: 'bash', approvalPolicy: 'on-request', sandboxPolicy: { type: 'read-only', network_access: false } };
 */
export interface InitialContextSettings {
  cwd: string;
  /** Shell name, e.g. `bash` or `zsh`. */
  shell: string;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  /** Extra developer-role instructions from the host. */
  developerInstructions?: string | null;
  /** Project instructions (the contents of AGENTS.md files). */
  userInstructions?: string | null;
  /** Date as the host wants it shown, e.g. `2026-05-01`. */
  currentDate?: string | null;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone?: string | null;
}

/**
 * Escapes `&`, `<` and `>` so a value cannot close the tag it sits in.
 * @example
 * escapeXmlText('a<b'); // 'a&lt;b'
 */
export function escapeXmlText(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * The `<permissions instructions>` text: sandbox mode, network access, approval policy.
 * @example
 * permissionsText({ type: 'read-only', network_access: false }, 'never').startsWith('<permissions instructions>'); // true
 */
export function permissionsText(sandboxPolicy: SandboxPolicy, approvalPolicy: AskForApproval, cwd = '.'): string {
  return [
    '<permissions instructions>',
    describeSandboxPolicy(sandboxPolicy, cwd),
    describeApprovalPolicy(approvalPolicy),
    '</permissions instructions>',
  ].join('\n');
}

/**
 * The `# AGENTS.md instructions for <cwd>` text carrying project instructions.
 * @example
 * projectInstructionsText('/repo', 'Run npm test.').startsWith('# AGENTS.md instructions for /repo'); // true
 */
export function projectInstructionsText(cwd: string, instructions: string): string {
  return `# AGENTS.md instructions for ${cwd}\n\n<instructions>\n${instructions}\n</instructions>`;
}

/**
 * The `<environment_context>` text: working directory, shell, policies, date and time zone.
 * @example
 * environmentContextText(settings).includes('<cwd>/repo</cwd>'); // true
 */
export function environmentContextText(settings: InitialContextSettings): string {
  const approval = typeof settings.approvalPolicy === 'string' ? settings.approvalPolicy : 'granular';
  const tags: [string, string | null | undefined][] = [
    ['cwd', settings.cwd],
    ['shell', settings.shell],
    ['approval_policy', approval],
    ['sandbox_mode', sandboxModeName(settings.sandboxPolicy)],
    ['network_access', networkAccess(settings.sandboxPolicy)],
    ['current_date', settings.currentDate],
    ['timezone', settings.timezone],
  ];
  const lines = tags.filter(([, value]) => value != null && value !== '').map(([tag, value]) => `  <${tag}>${escapeXmlText(value ?? '')}</${tag}>`);
  return ['<environment_context>', ...lines, '</environment_context>'].join('\n');
}

/**
 * The initial context items, in order: a developer message (permissions, then any developer
 * instructions as a second part), the project instructions as a user message when given, and
 * the environment context as a user message.
 * @example
 * buildInitialContext({ cwd: '/repo', shell: 'bash', approvalPolicy: 'on-request', sandboxPolicy: { type: 'danger-full-access' } }).length; // 2
 */
export function buildInitialContext(settings: InitialContextSettings): ResponseItem[] {
  const developerParts = [permissionsText(settings.sandboxPolicy, settings.approvalPolicy, settings.cwd)];
  if (settings.developerInstructions) developerParts.push(settings.developerInstructions);
  const items: ResponseItem[] = [
    { type: 'message', role: 'developer', content: developerParts.map((text) => ({ type: 'input_text', text })) },
  ];
  if (settings.userInstructions) {
    items.push({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: projectInstructionsText(settings.cwd, settings.userInstructions) }],
    });
  }
  items.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: environmentContextText(settings) }] });
  return items;
}
