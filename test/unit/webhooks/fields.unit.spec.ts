/** Field conversions shared by the platform mappings. */
import { describe, expect, it } from 'vitest';
import {
  engageLocale, lineSku, numericId, parseMoney, personName, pickCouponCode, platformId, sumMoney, tagList, toInstant,
} from '../../../shared/webhooks/fields.js';

describe('parseMoney / sumMoney', () => {
  it.each([
    ['12.50', 12.5], ['0.00', 0], ['-6.21', -6.21], [' 318.00 ', 318], ['1000', 1000], [29.87, 29.87], ['0.125', 0.125],
  ])('reads %j as %d', (input, expected) => expect(parseMoney(input)).toBe(expected));

  it.each([['1,234.00'], [''], ['12.5.0'], ['€12'], [null], [Number.NaN], [{ amount: '1' }], ['1e3']])('refuses %j', (input) => {
    expect(parseMoney(input)).toBeNull();
  });

  it('adds amounts without binary fractions creeping in', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumMoney([0.1, 0.2])).toBe(0.3);
    expect(sumMoney([79.97, 5.03, 15])).toBe(100);
    expect(sumMoney([])).toBe(0);
  });
});

describe('toInstant', () => {
  it('normalizes offsets to UTC', () => {
    expect(toInstant('2026-11-03T20:15:42+08:00')).toBe('2026-11-03T12:15:42.000Z');
    expect(toInstant('2026-11-03T12:15:46.118Z')).toBe('2026-11-03T12:15:46.118Z');
  });

  it('refuses a timestamp without offset unless the field is documented as UTC', () => {
    expect(toInstant('2026-11-03T12:15:42')).toBeUndefined();
    expect(toInstant('2026-11-03T12:15:42', { assumeUtc: true })).toBe('2026-11-03T12:15:42.000Z');
  });

  it.each([['yesterday'], ['2026-13-40T99:00:00Z'], [''], [null], [1762128000]])('refuses %j', (input) => {
    expect(toInstant(input, { assumeUtc: true })).toBeUndefined();
  });
});

describe('ids and SKUs', () => {
  it('reads numbers, digit strings and GraphQL gids', () => {
    expect(numericId(6021775573095)).toBe('6021775573095');
    expect(numericId('gid://shopify/Order/820982911946154508')).toBe('820982911946154508');
    expect(platformId('shopify', undefined, 'gid://shopify/Customer/7412963258471')).toBe('shopify:7412963258471');
  });

  it('refuses zero (a WooCommerce guest), negative, fractional and imprecise numbers', () => {
    for (const v of [0, '0', -5, 1.5, 2 ** 53 + 2, 'abc', '12 3', null]) expect(numericId(v), String(v)).toBeUndefined();
  });

  it('keeps a usable SKU and falls back for empty ones or ones with characters ids cannot hold', () => {
    expect(lineSku('LONGJING-50G', 'shopify:variant:1')).toBe('LONGJING-50G');
    expect(lineSku('', 'shopify:variant:1')).toBe('shopify:variant:1');
    expect(lineSku('TEA 50G', 'shopify:variant:1')).toBe('shopify:variant:1');
    expect(lineSku('tea#1', 'shopify:variant:1')).toBe('shopify:variant:1');
    expect(lineSku('mail@sku', 'x:1')).toBe('x:1');
  });
});

describe('engageLocale', () => {
  it.each([
    ['zh-CN', 'zh-CN'], ['zh_CN', 'zh-CN'], ['zh', 'zh-CN'], ['zh-TW', 'zh-CN'], ['zh-Hans-CN', 'zh-CN'],
    ['en', 'en'], ['en-US', 'en'], ['en_GB', 'en'], ['EN-us', 'en'],
  ] as const)('maps %s to %s whatever the shop default', (tag, locale) => {
    expect(engageLocale(tag, 'en')).toBe(locale);
    expect(engageLocale(tag, 'zh-CN')).toBe(locale);
  });

  it('falls back to the shop default for other languages and missing tags', () => {
    for (const tag of ['fr', 'ja-JP', '', undefined, 42, 'english']) {
      expect(engageLocale(tag, 'en')).toBe('en');
      expect(engageLocale(tag, 'zh-CN')).toBe('zh-CN');
    }
  });
});

describe('pickCouponCode / personName / tagList', () => {
  it('prefers a code Engage issued over other codes of the same order', () => {
    expect(pickCouponCode(['SUMMER10', 'k7qm 2xpr 9htw 4n'])).toBe('k7qm 2xpr 9htw 4n');
    expect(pickCouponCode(['SUMMER10', 'FREESHIP'])).toBe('SUMMER10');
    expect(pickCouponCode([undefined, ' '])).toBeUndefined();
  });

  it('builds a name from the parts present', () => {
    expect(personName('丽', '王')).toBe('丽 王');
    expect(personName('', null, '', 'Emily Carter')).toBe('Emily Carter');
    expect(personName(undefined, undefined)).toBeUndefined();
  });

  it('splits comma-separated tags, dropping blanks and repeats', () => {
    expect(tagList('newsletter-2026, 杭州, ,newsletter-2026')).toEqual(['newsletter-2026', '杭州']);
    expect(tagList('')).toBeUndefined();
    expect(tagList(['a'])).toBeUndefined();
  });
});
