/**
 * `-c key=value` config overrides, as `codex -c` takes them: the value is read as a TOML
 * value (`"quoted"`, `true`, `3`, `[..]`), and as a plain string when it is not valid TOML.
 * Keys this CLI uses are checked; other keys (Codex settings turnstate has no use for, such as
 * `web_search`) are accepted and ignored, so Codex hosts can pass them unchanged.
 */
import { parse as parseToml } from 'smol-toml';

/**
 * The session settings a command line chooses.
 * @example
 * const s: ExecSettings = { model: 'gpt-5.1', baseURL: null, sandbox: 'read-only', approvalPolicy: 'never', cwd: null, effort: null, networkAccess: null };
 */
export interface ExecSettings {
  model: string | null;
  baseURL: string | null;
  sandbox: 'read-only' | 'workspace-write' | 'danger-full-access' | null;
  approvalPolicy: 'untrusted' | 'on-failure' | 'on-request' | 'never' | null;
  cwd: string | null;
  effort: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | null;
  /** `sandbox_workspace_write.network_access`. */
  networkAccess: boolean | null;
}

const ENUMS: Record<string, readonly string[]> = {
  sandbox_mode: ['read-only', 'workspace-write', 'danger-full-access'],
  approval_policy: ['untrusted', 'on-failure', 'on-request', 'never'],
  model_reasoning_effort: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'],
};

/**
 * Reads one override's value: TOML when it parses, else the raw text.
 * @example
 * parseOverrideValue('"http://127.0.0.1:1/v1"'); // 'http://127.0.0.1:1/v1'
 * parseOverrideValue('never'); // 'never'
 */
export function parseOverrideValue(raw: string): unknown {
  try {
    return parseToml(`v = ${raw}`).v;
  } catch {
    return raw;
  }
}

/**
 * Applies `key=value` overrides, in order, to empty settings.
 * @example
 * applyConfigOverrides(['openai_base_url="http://127.0.0.1:4000/v1"', 'approval_policy="never"']);
 * // { settings: { baseURL: 'http://127.0.0.1:4000/v1', approvalPolicy: 'never', ... } }
 */
export function applyConfigOverrides(overrides: readonly string[]): { settings: ExecSettings } | { error: string } {
  const settings: ExecSettings = { model: null, baseURL: null, sandbox: null, approvalPolicy: null, cwd: null, effort: null, networkAccess: null };
  for (const entry of overrides) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return { error: `config override ${JSON.stringify(entry)} is not key=value` };
    const key = entry.slice(0, eq).trim();
    const value = parseOverrideValue(entry.slice(eq + 1).trim());
    const allowed = ENUMS[key];
    if (allowed && (typeof value !== 'string' || !allowed.includes(value))) {
      return { error: `config ${key} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})` };
    }
    switch (key) {
      case 'model':
      case 'openai_base_url':
        if (typeof value !== 'string' || value === '') return { error: `config ${key} must be a non-empty string` };
        if (key === 'model') settings.model = value;
        else settings.baseURL = value;
        break;
      case 'sandbox_mode':
        settings.sandbox = value as ExecSettings['sandbox'];
        break;
      case 'approval_policy':
        settings.approvalPolicy = value as ExecSettings['approvalPolicy'];
        break;
      case 'model_reasoning_effort':
        settings.effort = value as ExecSettings['effort'];
        break;
      case 'sandbox_workspace_write.network_access':
        if (typeof value !== 'boolean') return { error: `config ${key} must be true or false` };
        settings.networkAccess = value;
        break;
      default:
        break; // a Codex setting turnstate does not use
    }
  }
  return { settings };
}
