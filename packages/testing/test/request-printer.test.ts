import { describe, expect, test } from 'vitest';
import type { RecordedRequest } from '../src/index.js';
import { createRequestPrinter } from '../src/request-printer.js';

const AT = Date.parse('2024-01-15T15:00:00Z');
const request = (path: string, extra: Partial<RecordedRequest> = {}): RecordedRequest => ({ at: AT, origin: 'pod', method: 'GET', path, query: {}, body: undefined, ...extra });

describe('createRequestPrinter (iics-fake --verbose)', () => {
  test('a request with no status yet holds back none after it, and is printed once it ends', () => {
    const requests: RecordedRequest[] = [];
    const lines: string[] = [];
    const print = createRequestPrinter(requests, (line) => lines.push(line));
    const slow = request('/slow');
    requests.push(request('/a', { status: 200 }), slow, request('/b', { status: 401 }), request('/c', { dropped: true }), request('/d', { aborted: true }));
    print();
    expect(lines).toEqual([
      '2024-01-15T15:00:00.000Z GET /a 200',
      '2024-01-15T15:00:00.000Z GET /b 401',
      '2024-01-15T15:00:00.000Z GET /c dropped',
      '2024-01-15T15:00:00.000Z GET /d aborted',
    ]);
    print();
    expect(lines).toHaveLength(4);
    slow.status = 500;
    requests.push(request('/e', { status: 200 }));
    print();
    expect(lines.slice(4)).toEqual(['2024-01-15T15:00:00.000Z GET /slow 500', '2024-01-15T15:00:00.000Z GET /e 200']);
    print();
    expect(lines).toHaveLength(6);
  });

  test('records leaving the front of the list (maxRecorded) are neither missed nor printed twice', () => {
    const requests: RecordedRequest[] = [];
    const lines: string[] = [];
    const print = createRequestPrinter(requests, (line) => lines.push(line.split(' ')[2]!));
    requests.push(request('/1', { status: 200 }), request('/2', { status: 200 }));
    print();
    // Two more arrive and the two printed ones leave.
    requests.push(request('/3', { status: 200 }), request('/4'));
    requests.splice(0, 2);
    print();
    expect(lines).toEqual(['/1', '/2', '/3']);
    // Everything seen so far leaves, pending /4 included; it is still printed once it ends.
    const four = requests[1]!;
    requests.push(request('/5', { status: 200 }), request('/6', { status: 200 }));
    requests.splice(0, 2);
    four.status = 200;
    print();
    expect(lines).toEqual(['/1', '/2', '/3', '/4', '/5', '/6']);
  });
});
