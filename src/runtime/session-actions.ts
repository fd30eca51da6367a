/**
 * The thread machine's history actions, with `assign` bodies from `src/history`'s pure
 * reducers. The machine names them (`machines/session.ts` says why it cannot import the
 * reducers); this module provides them once per process, so every thread runs the same code.
 *
 * Invariant: `history.recorded` carries exactly the items history kept (filtered, outputs
 * truncated), in order, so the rollout the runtime writes from it matches history.
 */
import { assign, enqueueActions } from 'xstate';
import { threadMachine } from '../../machines/thread.machine.js';
import { fillToContextWindow } from '../protocol/index.js';
import { historyItemsSince, historyLength, recordItems, setReferenceContextItem, setTokenInfo, updateTokenInfo } from '../history/index.js';

/**
 * The thread machine with its history actions provided (the runtime adds its effects on top).
 * @example
 * const logic = threadWithSessionActions.provide({ actors: { ... } });
 */
export const threadWithSessionActions = threadMachine.provide({
  actions: {
    recordHistory: enqueueActions(({ context, enqueue }, { items }) => {
      // Lengths and the new items are read from the states, never building their items arrays.
      const before = historyLength(context.history);
      const history = recordItems(context.history, items);
      if (history === context.history) return;
      enqueue.assign({ history });
      enqueue.emit({ type: 'history.recorded', items: historyItemsSince(history, before) });
    }),
    replaceHistory: assign((_, { history }) => ({ history })),
    setReferenceContext: assign(({ context }, { item }) => ({ history: setReferenceContextItem(context.history, item) })),
    updateTokens: assign(({ context }, { usage, contextWindow }) => ({ history: updateTokenInfo(context.history, usage, contextWindow) })),
    fillTokenWindow: assign(({ context }, { contextWindow }) => ({
      history: setTokenInfo(context.history, fillToContextWindow(context.history.tokenInfo, contextWindow)),
    })),
  },
});
