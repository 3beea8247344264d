import { describe, expect, it } from 'vitest';
import { detectFormat, rowParser, UNDATED_PROFILE } from '../../../shared/import/rows.js';

const defaults = { currency: 'CNY', locale: 'zh-CN' as const, timeZone: 'Asia/Shanghai' };
const parserFor = (name: string, header: string) => rowParser(detectFormat(name, header), header, defaults);

describe('Function: detectFormat', () => {
  it('tells the four formats apart by extension and header', () => {
    expect(detectFormat('history.jsonl', 'whatever')).toBe('events');
    expect(detectFormat('x.txt', '{"detailType":"order.placed"}')).toBe('events');
    expect(detectFormat('o.csv', 'order_id,customer_id,placed_at,total,currency')).toBe('orders');
    expect(detectFormat('c.csv', '\uFEFFcustomer_id,email,name')).toBe('customers');
    expect(detectFormat('t.csv', 'customer_id,date,amount')).toBe('transactions');
    expect(() => detectFormat('x.csv', 'a,b,c')).toThrow(/cannot tell the format/);
  });
});

describe('Function: rowParser', () => {
  it('reads an Engage event per JSON line, also as a PutEvents entry', () => {
    const parse = parserFor('e.jsonl', '');
    const detail = { orderId: 'o-1', customerId: 'c-1', lines: [{ sku: 'tea', quantity: 1, unitPrice: 10 }], total: 10, currency: 'CNY', occurredAt: '2025-01-02T03:04:05Z' };
    // The contract parses the instant once, into its canonical form.
    const parsed = { ...detail, occurredAt: '2025-01-02T03:04:05.000Z' };
    expect(parse(JSON.stringify({ detailType: 'order.placed', detail }), 1)).toMatchObject({ row: 1, customerId: 'c-1', events: [{ type: 'order.placed', detail: parsed }] });
    expect(parse(JSON.stringify({ DetailType: 'order.placed', Detail: JSON.stringify(detail) }), 2).events).toHaveLength(1);
  });

  it('names the problem of a bad row, and its customer when it can be read', () => {
    const parse = parserFor('e.jsonl', '');
    expect(parse('{nope', 3)).toEqual({ row: 3, events: [], error: 'not a JSON object' });
    const bad = parse(JSON.stringify({ detailType: 'order.placed', detail: { orderId: 'o-1', customerId: 'c-1', total: -5 } }), 4);
    expect(bad).toMatchObject({ row: 4, customerId: 'c-1', events: [] });
    expect(bad.error).toMatch(/^order\.placed: /);
    expect(parse(JSON.stringify({ detailType: 'points.redeem-requested', detail: { customerId: 'c-1' } }), 5).error).toMatch(/not importable/);
  });

  it('turns an orders CSV row into placed, fulfilled, cancelled and refunded events', () => {
    const parse = parserFor('o.csv', 'order_id,customer_id,placed_at,total,currency,fulfilled_at,refunded_amount,refunded_at');
    const r = parse('o-7,c-1,2025-03-01T10:00:00+08:00,120.50,CNY,2025-03-03,20,2025-03-10T00:00:00Z', 2);
    expect(r.error).toBeUndefined();
    expect(r.events.map((e) => e.type)).toEqual(['order.placed', 'order.fulfilled', 'order.refunded']);
    expect(r.events[0]!.detail).toMatchObject({ orderId: 'o-7', total: 120.5, occurredAt: '2025-03-01T02:00:00.000Z' });
    expect(r.events[2]!.detail).toMatchObject({ refundId: 'imported', amount: 20 });
    expect(parse('o-8,c-1,yesterday,12,CNY,,,', 3).error).toMatch(/occurredAt/);
    expect(parse('o-9,c-1,2025-03-01,1,234.00,CNY,,,', 4).error).toBeDefined();
  });

  it('reads times through the event contract: an offset is required, as on the bus, so no machine zone decides', () => {
    const parse = parserFor('o.csv', 'order_id,customer_id,placed_at,total,currency');
    expect(parse('o-1,c-1,2025-03-01 10:00,12,CNY', 2).error).toMatch(/order\.placed: occurredAt/);
    expect(parse('o-2,c-1,2025-03-01T10:00:00-05:00,12,CNY', 3).events[0]!.detail).toMatchObject({ occurredAt: '2025-03-01T15:00:00.000Z' });
  });

  it('reads customers with defaults for what a shop export may leave out', () => {
    const parse = parserFor('c.csv', 'customer_id,email,locale,marketing_consent,tags');
    expect(parse('c-1,lin@example.cn,zh_CN,yes,vip|wholesale', 2).events[0]!.detail).toEqual({
      customerId: 'c-1', email: 'lin@example.cn', name: 'lin', locale: 'zh-CN', timeZone: 'Asia/Shanghai', marketingConsent: true, tags: ['vip', 'wholesale'], occurredAt: UNDATED_PROFILE,
    });
    expect(parse('c-2,ada@example.com,fr,,', 3).events[0]!.detail).toMatchObject({ locale: 'zh-CN', marketingConsent: false });
    expect(parse('c-3,not-an-address,en,1,', 4).error).toMatch(/email/);
  });

  it('numbers a transaction log per customer and day, the way model summarize reads it', () => {
    const parse = parserFor('t.csv', 'customer_id,date,amount');
    expect(parse('00001,19970101,29.33', 2).events[0]!.detail).toMatchObject({ orderId: 'tx:1997-01-01:1', customerId: '00001', total: 29.33, currency: 'CNY', occurredAt: '1997-01-01T00:00:00.000Z' });
    expect(parse('00001,1997-01-01,10', 3).events[0]!.detail).toMatchObject({ orderId: 'tx:1997-01-01:2' });
    expect(parse('00001,19971301,10', 4)).toMatchObject({ customerId: '00001', error: expect.stringMatching(/not YYYY-MM-DD/) });
  });
});

describe('Function: rowParser, birthdays', () => {
  it('reads a customers CSV birthday as YYYY-MM-DD, MM-DD or the year-less ISO form --MM-DD', () => {
    const parse = parserFor('c.csv', 'customer_id,email,birthday');
    const birthdayOf = (b: string) => (parse(`c-1,a@example.com,${b}`, 2).events[0]?.detail as { birthday?: string } | undefined)?.birthday;
    expect(['1990-05-10', '05-10', '--05-10'].map(birthdayOf)).toEqual(['1990-05-10', '05-10', '05-10']);
    expect(parse('c-1,a@example.com,-05-10', 2).error).toMatch(/birthday/);
  });
});
