import { describe, expect, it } from 'vitest';
import { PresenceOrder } from './presence-order.js';

describe('PresenceOrder', () => {
  it('admits each subject’s newer versions and drops an older or repeated one, subjects apart', () => {
    const order = new PresenceOrder(1000);
    expect(order.admit('a', 5, 0)).toBe(true);
    expect(order.admit('b', 3, 0)).toBe(true);
    expect(order.admit('a', 4, 10)).toBe(false);
    expect(order.admit('a', 5, 10)).toBe(false);
    expect(order.admit('b', 4, 10)).toBe(true);
    expect(order.admit('a', 7, 20)).toBe(true);
    expect(order.admit('a', 6, 30)).toBe(false);
  });

  it('forgets a subject once its window has passed since its last change', () => {
    const order = new PresenceOrder(1000);
    expect(order.admit('a', 5, 0)).toBe(true);
    expect(order.admit('b', 5, 500)).toBe(true);
    expect(order.admit('a', 1, 999)).toBe(false);
    expect(order.admit('a', 1, 1000)).toBe(true);
    // b changed at 500, so it is held until 1500.
    expect(order.admit('b', 1, 1499)).toBe(false);
    expect(order.admit('b', 1, 1500)).toBe(true);
  });

  it('holds nothing with a window of 0', () => {
    const order = new PresenceOrder(0);
    expect(order.admit('a', 5, 0)).toBe(true);
    expect(order.admit('a', 1, 0)).toBe(true);
  });
});
