import { describe, expect, it } from 'vitest';
import { ClientGone, pathOf } from './exchange.js';

describe('ClientGone', () => {
  it('calls each listener once, when the client goes away, and not those taken off', () => {
    const gone = new ClientGone();
    const heard: string[] = [];
    const first = () => heard.push('first');
    const second = () => heard.push('second');
    const third = () => heard.push('third');
    gone.on(first);
    gone.on(second);
    gone.on(third);
    gone.off(second);
    expect(heard).toEqual([]);
    gone.abort();
    gone.abort();
    expect(gone.aborted).toBe(true);
    expect(heard).toEqual(['first', 'third']);
  });

  it('does not call a listener added after the client went', () => {
    const gone = new ClientGone();
    gone.abort();
    let heard = false;
    gone.on(() => {
      heard = true;
    });
    gone.abort();
    expect(heard).toBe(false);
  });
});

describe('pathOf', () => {
  it('keeps the path only, whether the target is a path or an absolute URL', () => {
    expect(pathOf('/v1/chat/completions?x=1#y')).toBe('/v1/chat/completions');
    expect(pathOf('http://127.0.0.1:8080/anthropic/v1/messages?beta=true')).toBe('/anthropic/v1/messages');
    expect(pathOf('http://host')).toBe('/');
  });
});
