/** Path of Debian Chromium (`CHROMIUM_PATH` overrides it). */
export const CHROMIUM_PATH: string;
/** Launch flags for headless Chromium here. */
export const CHROMIUM_ARGS: readonly string[];
/** Reject after `ms` milliseconds: a hang in the page raises no error of its own. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T>;
