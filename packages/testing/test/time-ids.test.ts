import { describe, expect, test } from 'vitest';
import { federatedId, orgId, sessionId, V2IdFactory } from '../src/ids.js';
import { iicsEasternTime, iicsUtcTime } from '../src/index.js';

describe('IICS times', () => {
  test('startTime is Eastern wall clock with the false Z; startTimeUtc is UTC (EDT: 4 h behind)', () => {
    const t = Date.parse('2021-09-23T10:52:25.640Z');
    expect(iicsUtcTime(t)).toBe('2021-09-23T10:52:25.000Z');
    expect(iicsEasternTime(t)).toBe('2021-09-23T06:52:25.000Z');
  });

  test('EST in winter is 5 h behind, across a date boundary', () => {
    expect(iicsEasternTime(Date.parse('2024-01-15T03:30:00Z'))).toBe('2024-01-14T22:30:00.000Z');
  });

  test('DST transitions: spring forward and fall back', () => {
    // 2024-03-10 07:00 UTC = 03:00 EDT (02:00 EST did not exist); a second before was 01:59:59 EST.
    expect(iicsEasternTime(Date.parse('2024-03-10T06:59:59Z'))).toBe('2024-03-10T01:59:59.000Z');
    expect(iicsEasternTime(Date.parse('2024-03-10T07:00:00Z'))).toBe('2024-03-10T03:00:00.000Z');
    // 2024-11-03 06:00 UTC = 01:00 EST, an hour after 01:00 EDT.
    expect(iicsEasternTime(Date.parse('2024-11-03T05:00:00Z'))).toBe('2024-11-03T01:00:00.000Z');
    expect(iicsEasternTime(Date.parse('2024-11-03T06:00:00Z'))).toBe('2024-11-03T01:00:00.000Z');
    expect(iicsEasternTime(Date.parse('2024-11-03T00:00:00Z'))).toBe('2024-11-02T20:00:00.000Z');
  });
});

describe('ids in real shapes', () => {
  test('v2 ids: 20 characters, org id + type code + counter', () => {
    const org = orgId();
    expect(org).toMatch(/^01[0-9A-Z]{4}$/);
    const ids = new V2IdFactory(org);
    const first = ids.next('0Z');
    expect(first).toHaveLength(20);
    expect(first).toBe(`${org}0Z000000000001`);
    expect(ids.next('0Z')).toBe(`${org}0Z000000000002`);
    expect(ids.next('0N')).toBe(`${org}0N000000000001`);
  });

  test('federated and session ids: 22 letters and digits, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = i % 2 ? federatedId() : sessionId();
      expect(id).toMatch(/^[0-9A-Za-z]{22}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(200);
  });
});
