/**
 * The immer instance turnstate updates its plain-JSON state with. Auto-freeze is off: a
 * deep freeze walks every new item on every append, which made turns cost grow with
 * history. States are still never mutated in place — every update goes through `produce` —
 * and a host's own use of immer keeps its global settings.
 */
import { Immer } from 'immer';

const immer = new Immer({ autoFreeze: false });

/**
 * `produce` without auto-freeze.
 * @example
 * const next = produce(state, (draft) => void draft.items.push(item));
 */
export const produce: Immer['produce'] = immer.produce;
