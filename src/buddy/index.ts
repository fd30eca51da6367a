/** The buddy observer: reactions to finished turns (seed 000). */
export { BuddyOptions, DEFAULT_MAX_REACTION_CHARS, buddySettings, observes, type BuddySettings } from './options.js';
export { parseBuddyReaction } from './parse.js';
export { BUDDY_OBSERVER_INSTRUCTIONS, BUDDY_REACTION_SCHEMA, buddyObserverPrompt, buddyReactionFormat } from './prompt.js';
export { BUDDY_REPLY_LIMIT, BuddyReplyTooLongError, attachBuddyObserver, buddyObserverRequest, buddyReactionLogic, collectReplyText, replyLimit, type BuddyObserverHost, type BuddyReactionInput } from './observer.js';
