import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeSimConfig } from '../config';
import { PLANTED_BUGS, UnknownBugError, bugNames, findBug } from './catalogue';

describe('the planted-bug catalogue', () => {
  it('holds at least twelve bugs with distinct names, each in a file named after it', () => {
    expect(PLANTED_BUGS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(bugNames()).size).toBe(PLANTED_BUGS.length);
    for (const bug of PLANTED_BUGS) expect(existsSync(join(__dirname, `${bug.name}.ts`))).toBe(true);
  });

  it('gives every bug a way to misbehave, properties that should catch it, and a valid config', () => {
    for (const bug of PLANTED_BUGS) {
      expect(bug.step !== undefined || bug.restart !== undefined || bug.ackBeforeSync === true).toBe(true);
      expect(bug.caughtBy.length).toBeGreaterThan(0);
      expect(bug.description.length).toBeGreaterThan(20);
      expect(() => makeSimConfig({ ...bug.config, seed: 1 })).not.toThrow();
    }
  });

  it('covers the classic bugs the testbed promises', () => {
    for (const name of [
      'figure8-commit-old-term', 'vote-without-log-check', 'forget-vote-on-restart', 'ack-before-sync',
      'accept-stale-term-responses', 'truncate-on-stale-append', 'follower-commit-beyond-match',
      'read-index-without-heartbeat', 'prevote-bumps-term', 'double-count-vote', 'quorum-half', 'match-index-regresses',
    ]) expect(findBug(name).name).toBe(name);
  });

  it('rejects an unknown name with a typed error that lists the valid ones', () => {
    let error: unknown;
    try {
      findBug('figure-9');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownBugError);
    const e = error as UnknownBugError;
    expect(e.requested).toBe('figure-9');
    expect(e.validNames).toEqual(bugNames());
    expect(e.message).toContain('quorum-half');
  });
});
