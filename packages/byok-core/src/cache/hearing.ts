/**
 * Whether a bus connection can vouch that this process hears every message, as a small state
 * machine shared by the Redis and PostgreSQL buses:
 * - `down`: no confirmed subscription (connecting, reconnecting, closed);
 * - `listening`: the subscription was confirmed and no heartbeat has been waiting longer than `staleMs`;
 * - `late`: a heartbeat sent on the confirmed connection has waited longer than `staleMs` (a
 *   silent network failure looks like this). An answer on the same connection later proves
 *   nothing was lost on the way (one ordered stream), so it starts a new listening period.
 * Lateness counts from when a heartbeat was sent, not from the last answer, so that a process
 * whose event loop stalled (and sent nothing meanwhile) does not count itself deaf for that.
 * Every listening period gets a new epoch; callers drop what they cached in an earlier one.
 */
export class Hearing {
  #state: 'down' | 'listening' | 'late' = 'down';
  #epoch = 0;
  #pingSentAt: number | undefined;
  #lateSince = 0;
  #deafPeriods = 0;
  /** Bumped by `lost()`: an answer to a heartbeat sent before counts for nothing. */
  #connection = 0;
  #pinging = false;
  readonly #staleMs: number;

  constructor(staleMs: number) {
    this.#staleMs = staleMs;
  }

  /** The subscription (SUBSCRIBE, LISTEN) was answered on a fresh connection. */
  confirmed(): void {
    this.#epoch += 1;
    this.#state = 'listening';
    this.#pingSentAt = undefined;
  }

  /** A heartbeat went out on the connection; the oldest one unanswered is the one that counts. */
  pingSent(): void {
    this.#pingSentAt ??= Date.now();
  }

  /**
   * Sends a heartbeat with `send` unless one is still waiting for its answer. The answer counts
   * (`heard`) only when the connection was not lost meanwhile.
   */
  ping(send: () => Promise<unknown>): void {
    if (this.#pinging) return;
    this.#pinging = true;
    const connection = this.#connection;
    this.pingSent();
    send().then(
      () => {
        this.#pinging = false;
        if (connection === this.#connection) this.heard();
      },
      () => {
        this.#pinging = false;
      },
    );
  }

  /** The confirmed connection answered a heartbeat. */
  heard(): void {
    this.#pingSentAt = undefined;
    if (this.#state === 'late') this.confirmed();
  }

  /** The connection closed or failed: nothing is heard until the next confirmation. */
  lost(): void {
    if (this.#state === 'listening') this.#deafPeriods += 1;
    this.#connection += 1;
    this.#pinging = false;
    this.#state = 'down';
    this.#pingSentAt = undefined;
  }

  epoch(): number | undefined {
    const waiting = this.#pingSentAt === undefined ? 0 : Date.now() - this.#pingSentAt;
    if (this.#state === 'listening' && waiting > this.#staleMs) {
      this.#state = 'late';
      this.#lateSince = Date.now();
      this.#deafPeriods += 1;
    }
    return this.#state === 'listening' ? this.#epoch : undefined;
  }

  /** Milliseconds the connection has been late, 0 when it is not. */
  lateForMs(): number {
    this.epoch();
    return this.#state === 'late' ? Date.now() - this.#lateSince : 0;
  }

  deafPeriods(): number {
    this.epoch();
    return this.#deafPeriods;
  }
}

/** Splits ids into groups whose JSON stays under `maxBytes` (PostgreSQL's NOTIFY payload limit is 8000). */
export function chunkIds(ids: readonly string[], maxBytes = 7000): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 2;
  for (const id of ids) {
    const cost = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (current.length > 0 && size + cost > maxBytes) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    current.push(id);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
