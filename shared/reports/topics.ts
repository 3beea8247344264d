/**
 * Why unhappy customers are unhappy: low-score survey comments grouped by topic with a small
 * keyword lexicon in English and Chinese (substring matching, since Chinese has no spaces). No
 * model, no dependency: the lexicon is the whole method, and a comment no topic claims stays
 * visible under "other". A comment goes to the topic with the most keyword hits (ties: the first).
 */
import type { LowComment } from './kpis.js';

export type Topic = 'delivery' | 'damaged' | 'wrong-item' | 'quality' | 'price' | 'service' | 'other';

export const TOPIC_KEYWORDS: Record<Exclude<Topic, 'other'>, string[]> = {
  delivery: ['late', 'slow', 'delay', 'shipping', 'delivery', 'deliver', 'courier', 'took', 'never came', 'waiting', '快递', '物流', '慢', '送货', '发货', '到货', '延迟', '没到', '等了'],
  damaged: ['broken', 'crushed', 'damaged', 'leak', 'smashed', 'dent', 'torn', '破', '碎', '损坏', '压坏', '漏', '坏了', '包装'],
  'wrong-item': ['wrong', 'missing', 'not what i ordered', 'incomplete', '发错', '少了', '漏发', '不对', '错了'],
  quality: ['quality', 'taste', 'stale', 'fake', 'bad', 'bitter', 'smell', 'old', '质量', '味道', '口感', '不新鲜', '假', '难喝', '难吃', '过期'],
  price: ['price', 'expensive', 'cost', 'overpriced', 'cheaper', 'refund', '贵', '价格', '性价比', '退款', '便宜'],
  service: ['service', 'rude', 'support', 'reply', 'response', 'nobody', 'ignored', '客服', '态度', '回复', '不理', '服务'],
};

export function topicOf(comment: string): Topic {
  const text = comment.toLowerCase();
  let best: Topic = 'other';
  let hits = 0;
  for (const [topic, words] of Object.entries(TOPIC_KEYWORDS) as Array<[Topic, string[]]>) {
    const n = words.filter((w) => text.includes(w)).length;
    if (n > hits) {
      best = topic;
      hits = n;
    }
  }
  return best;
}

export interface TopicGroup {
  topic: Topic;
  count: number;
  /** The latest comments of the topic, newest first. */
  latest: LowComment[];
}

export function groupByTopic(comments: readonly LowComment[], perTopic = 5): TopicGroup[] {
  const groups = new Map<Topic, LowComment[]>();
  for (const c of comments) {
    const t = topicOf(c.comment);
    groups.set(t, [...(groups.get(t) ?? []), c]);
  }
  return [...groups]
    .map(([topic, list]) => ({ topic, count: list.length, latest: [...list].sort((a, b) => b.at.localeCompare(a.at)).slice(0, perTopic) }))
    .sort((a, b) => (a.topic === 'other' ? 1 : b.topic === 'other' ? -1 : b.count - a.count));
}
