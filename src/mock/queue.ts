// A session's answer queue (POST /_mock/queue): the answers its next contract requests get, in order, so a test
// can script "429, then 204" without Prefer. Each entry acts like `Prefer: code=…, example=…` on one request
// and/or delays it; whether the operation documents that code/example is checked when the entry is used (the
// request then gets the 400 a bad Prefer gets), since the queue cannot know which operation comes next.
import { GraphFailure } from './graph-error.js';
import { MAX_DELAY_MS } from './chaos.js';

/** Pending answers per session, at most. */
export const MAX_QUEUED = 100;
const ENTRY_KEYS = new Set(['code', 'example', 'delayMs']);

export interface QueuedAnswer {
  code?: number;
  example?: string;
  delayMs?: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const bad = (message: string) => new GraphFailure(400, 'BadRequest', `Invalid queue: ${message}`);

/** One entry checked; the failure names it (`answers[2].code …`). */
function checkEntry(value: unknown, at: string): QueuedAnswer | GraphFailure {
  if (!isObject(value)) return bad(`${at} must be an object such as {"code": 429}.`);
  const unknown = Object.keys(value).find((key) => !ENTRY_KEYS.has(key));
  if (unknown !== undefined) return bad(`${at} has the unknown property '${unknown.slice(0, 64)}'; an entry holds code, example and delayMs.`);
  const { code, example, delayMs } = value;
  if (code !== undefined && !(Number.isInteger(code) && (code as number) >= 100 && (code as number) <= 599)) {
    return bad(`${at}.code must be an integer from 100 to 599.`);
  }
  if (example !== undefined && (typeof example !== 'string' || example.length === 0 || example.length > 200)) {
    return bad(`${at}.example must be the name of one of the operation's examples.`);
  }
  if (delayMs !== undefined && !(Number.isInteger(delayMs) && (delayMs as number) >= 0 && (delayMs as number) <= MAX_DELAY_MS)) {
    return bad(`${at}.delayMs must be an integer from 0 to ${MAX_DELAY_MS}.`);
  }
  if (code === undefined && delayMs === undefined) return bad(`${at} needs a code or a delayMs (an example alone goes with its code).`);
  return {
    ...(code === undefined ? {} : { code: code as number }),
    ...(example === undefined ? {} : { example: example }),
    ...(delayMs === undefined ? {} : { delayMs: delayMs as number }),
  };
}

export class AnswerQueue {
  readonly #pending: QueuedAnswer[] = [];

  get size(): number {
    return this.#pending.length;
  }

  /**
   * Appends `answers` (the `answers` array of the request body) after what is pending. All or nothing: one bad
   * entry, or more than MAX_QUEUED pending in all, is a 400 naming it and nothing is queued.
   */
  enqueue(answers: unknown, at = 'answers'): GraphFailure | undefined {
    if (!Array.isArray(answers) || answers.length === 0 || answers.length > MAX_QUEUED) {
      return bad(`${at} must be an array of 1 to ${MAX_QUEUED} entries.`);
    }
    const checked: QueuedAnswer[] = [];
    for (const [index, value] of answers.entries()) {
      const entry = checkEntry(value, `${at}[${index}]`);
      if (entry instanceof GraphFailure) return entry;
      checked.push(entry);
    }
    if (this.#pending.length + checked.length > MAX_QUEUED) {
      return bad(`the session has ${this.#pending.length} answers pending; ${checked.length} more would pass the limit of ${MAX_QUEUED}.`);
    }
    this.#pending.push(...checked);
    return undefined;
  }

  /** The answer for the next contract request, removed from the queue (at most 100 long, so shift() is cheap). */
  next(): QueuedAnswer | undefined {
    return this.#pending.shift();
  }

  /** What is pending, in order (copies). */
  list(): QueuedAnswer[] {
    return this.#pending.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.#pending.length = 0;
  }
}
