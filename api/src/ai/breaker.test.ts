import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker';

describe('circuit breaker', () => {
  const make = () => {
    let now = 1_000;
    const breaker = new CircuitBreaker({ threshold: 3, cooldownMs: 500, now: () => now });
    return { breaker, advance: (ms: number) => (now += ms) };
  };

  it('opens after threshold failures in a row and says how long to wait', () => {
    const { breaker } = make();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.retryInMs()).toBe(500);
  });

  it('a success in between resets the count', () => {
    const { breaker } = make();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });

  it('after the cool-down one trial goes through: failure re-opens at once, success closes', () => {
    const { breaker, advance } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advance(500);
    expect(breaker.state).toBe('half-open');
    expect(breaker.retryInMs()).toBe(0);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    advance(500);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });
});
