import { describe, it, expect } from 'vitest';
import { parseSummaryCsv, summarizeTransactions, parseTransactionsCsv, formatSummaryCsv } from '../../../shared/scoring/csv.js';

describe('csv', () => {
  it('parses the summary with CRLF, extra columns and optional zbar', () => {
    const rows = parseSummaryCsv('customer_id,x,t_x,T,zbar,extra\r\nc1,2,30.43,38.86,22.35,foo\r\nc2,0,0,38.86,0,bar\r\n');
    expect(rows).toEqual([
      { customerId: 'c1', x: 2, tx: 30.43, T: 38.86, zbar: 22.35 },
      { customerId: 'c2', x: 0, tx: 0, T: 38.86, zbar: 0 },
    ]);
  });

  it.each([
    ['customer_id,x,T\nc1,1,2', /row 1: missing column t_x/],
    ['customer_id,x,t_x,T\nc1,1,abc,3', /row 2: t_x is not a number/],
    ['customer_id,x,t_x,T\nc1,1,1,3\nc2,-1,1,3', /row 3: x is negative/],
    ['customer_id,x,t_x,T\nc1,1,4,3', /row 2: t_x \(4\) is greater than T \(3\)/],
    ['customer_id,x,t_x,T\nc1,2,0,3', /row 2: x = 2 repeat purchases but t_x = 0/],
    ['customer_id,x,t_x,T\nc1,1.5,1,3', /row 2: x must be an integer/],
    ['customer_id,x,t_x,T\nc1,1,1,3\nc1,1,1,3', /row 3: duplicate customer_id/],
    ['customer_id,x,t_x,T\nc1,1', /row 2: expected 4 columns/],
  ])('rejects bad input with the row number and reason: %s', (text, msg) => {
    expect(() => parseSummaryCsv(text)).toThrow(msg);
  });

  it('summarizeTransactions merges same-day purchases and excludes the first purchase from zbar', () => {
    // given a customer with two rows on the first day, two on a later day, one more later, one after calibration
    const tx = [
      { customerId: 'a', date: '1997-01-01', amount: 10 },
      { customerId: 'a', date: '19970101', amount: 5 },
      { customerId: 'a', date: '1997-01-15', amount: 20 },
      { customerId: 'a', date: '1997-01-15', amount: 4 },
      { customerId: 'a', date: '1997-01-29', amount: 30 },
      { customerId: 'a', date: '1997-02-20', amount: 99 },
      { customerId: 'b', date: '1997-01-08', amount: 7 },
      { customerId: 'c', date: '1997-03-01', amount: 7 },
    ];
    // when summarised with calibration end 1997-02-12 in weeks
    const rows = summarizeTransactions(tx, '1997-02-12', 'weeks');
    // then same-day rows are one transaction, t_x and T are in weeks, zbar is the repeat mean
    expect(rows).toEqual([
      { customerId: 'a', x: 2, tx: 4, T: 6, zbar: (24 + 30) / 2 },
      { customerId: 'b', x: 0, tx: 0, T: 5, zbar: 0 },
    ]);
    expect(summarizeTransactions(tx, '1997-02-12', 'days')[0]).toMatchObject({ tx: 28, T: 42 });
  });

  it('round-trips summaries through formatSummaryCsv and validates transaction rows', () => {
    const rows = [{ customerId: 'x,1', x: 1, tx: 1 / 7, T: 3, zbar: 12.5 }];
    expect(parseSummaryCsv(formatSummaryCsv(rows))).toEqual(rows);
    expect(() => parseTransactionsCsv('customer_id,date,amount\na,1997-13-01,5')).toThrow(/row 2: date/);
    expect(() => parseTransactionsCsv('customer_id,date,amount\na,1997-01-01,x')).toThrow(/row 2: amount is not a number/);
  });
});
