/** Fixed texts the engine writes into model-visible history. */

/** Opening tag of the interrupt marker. */
export const TURN_ABORTED_OPEN_TAG = '<turn_aborted>';

/** Guidance inside the interrupt marker (wording fixed by the reference behaviour). */
export const TURN_ABORTED_INTERRUPTED_GUIDANCE =
  'The user interrupted the previous turn on purpose. Any running unified exec processes may still be running in the background. If any tools/commands were aborted, they may have partially executed; verify current state before retrying.';

/** The full `<turn_aborted>` marker recorded after an interrupt. */
export const TURN_ABORTED_MARKER_TEXT = `${TURN_ABORTED_OPEN_TAG}\n${TURN_ABORTED_INTERRUPTED_GUIDANCE}\n</turn_aborted>`;
