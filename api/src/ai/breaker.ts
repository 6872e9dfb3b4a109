/**
 * A small circuit breaker for the AI provider: after `threshold` failures in a row it
 * opens for `cooldownMs`, answering fast instead of letting every request wait out a
 * timeout. After the cool-down one trial call goes through (half-open): success closes
 * it, another failure opens it again at once.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;

  constructor(private readonly options: { threshold: number; cooldownMs: number; now?: () => number }) {}

  /** Milliseconds until a call may be tried again; 0 when closed or half-open. */
  retryInMs(): number {
    return Math.max(0, this.openUntil - this.now());
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openUntil = 0;
  }

  recordFailure(): void {
    this.failures++;
    if (this.failures >= this.options.threshold) {
      this.openUntil = this.now() + this.options.cooldownMs;
      // Half-open after the cool-down: the next failure alone re-opens it.
      this.failures = this.options.threshold - 1;
    }
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.retryInMs() > 0) return 'open';
    return this.failures >= this.options.threshold - 1 && this.openUntil > 0 ? 'half-open' : 'closed';
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }
}
