import { describe, expect, it } from 'vitest';
import { SetMap } from './set-map.js';

describe('SetMap', () => {
  it('holds each key’s values once, through one value, several and back, and drops empty keys', () => {
    const map = new SetMap<number, string>();
    expect([...map.of(1)]).toEqual([]);
    map.add(1, 'a');
    map.add(1, 'a');
    expect([...map.of(1)]).toEqual(['a']);
    map.add(1, 'b');
    map.add(1, 'c');
    map.add(2, 'x');
    expect([...map.of(1)]).toEqual(['a', 'b', 'c']);
    map.delete(1, 'b');
    map.delete(1, 'a');
    expect([...map.of(1)]).toEqual(['c']);
    map.delete(1, 'zz');
    map.delete(3, 'c');
    expect(map.values()).toEqual(['c', 'x']);
    map.delete(1, 'c');
    map.delete(1, 'c');
    expect([...map.of(1)]).toEqual([]);
    expect(map.values()).toEqual(['x']);
    map.add(1, 'd');
    expect([...map.of(1)]).toEqual(['d']);
  });

  it('keeps a Set given as a value apart from the values of a key', () => {
    const map = new SetMap<string, Set<number>>();
    const one = new Set([1]);
    const two = new Set([2]);
    map.add('k', one);
    expect([...map.of('k')]).toEqual([one]);
    map.add('k', two);
    expect([...map.of('k')]).toEqual([one, two]);
    map.delete('k', one);
    expect([...map.of('k')]).toEqual([two]);
  });
});
