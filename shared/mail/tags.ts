/**
 * SES message tags allow only ASCII letters, digits, `_` and `-` (≤ 256 characters), while ids
 * may also hold `.` and `:`. Tag values are therefore escaped reversibly — `_` followed by two hex
 * digits stands for any other character, `_` itself included — so that a bounce's tag leads back
 * to exactly the customer it was sent to. An escaped value longer than 256 characters falls back
 * to base64url behind the marker `_Z` (never produced by escaping: Z is not a hex digit).
 */
const PLAIN = /[A-Za-z0-9-]/;
const MAX = 256;

export function encodeTag(value: string): string {
  if (/[^\x00-\x7F]/.test(value)) return `_Z${Buffer.from(value, 'utf8').toString('base64url')}`.slice(0, MAX);
  const escaped = [...value].map((ch) => (PLAIN.test(ch) ? ch : `_${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return escaped.length <= MAX ? escaped : `_Z${Buffer.from(value, 'utf8').toString('base64url')}`.slice(0, MAX);
}

export function decodeTag(tag: string): string {
  if (tag.startsWith('_Z')) return Buffer.from(tag.slice(2), 'base64url').toString('utf8');
  // Lenient with tags written before escaping existed: a `_` without two hex digits stays.
  return tag.replace(/_([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
