/** What shopper pages say, in each shopper language. `{x}` placeholders are filled (escaped) by pages.ts. */
import type { Locale } from '../platform/contracts/events.js';

export interface PageCopy {
  backToShop: string;
  invalidTitle: string;
  invalid: string;
  notFound: string;
  unsubscribeTitle: string;
  unsubscribeAsk: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribed: string;
  resubscribeOffer: string;
  resubscribeButton: string;
  resubscribedTitle: string;
  resubscribed: string;
  resubscribeRefused: string;
  ratingTitle: string;
  rating: string;
  submit: string;
  thanksTitle: string;
  recorded: string;
  alreadyRecorded: string;
  alreadyRecordedOther: string;
  invalidScore: string;
  commentAsk: string;
  send: string;
}

export const COPY: Record<Locale, PageCopy> = {
  en: {
    backToShop: 'Back to {shop}',
    invalidTitle: 'Link not valid',
    invalid: 'This link is invalid or has expired.',
    notFound: 'Not found',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeAsk: 'Stop receiving marketing email from {shop}?',
    unsubscribeButton: 'Unsubscribe',
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribed: 'You will not receive marketing email from {shop} again. Order and service messages still reach you.',
    resubscribeOffer: 'Unsubscribed by mistake?',
    resubscribeButton: 'Subscribe again',
    resubscribedTitle: 'Welcome back',
    resubscribed: 'You will receive marketing email from {shop} again. You can unsubscribe from any of them.',
    resubscribeRefused: 'Your address cannot be subscribed again from this page (it bounced, was reported as spam or was erased). Please contact {shop}.',
    ratingTitle: 'Your rating',
    rating: 'Your rating: {score}',
    submit: 'Submit',
    thanksTitle: 'Thank you',
    recorded: 'Thank you! Your rating of {score} is recorded.',
    alreadyRecorded: 'Thank you! Your rating of {score} was already recorded.',
    alreadyRecordedOther: 'You already rated {recorded}; the first answer counts, so {score} was not recorded.',
    invalidScore: '{score} is not a score on this survey (from {min} to {max}).',
    commentAsk: 'Anything to add?',
    send: 'Send',
  },
  'zh-CN': {
    backToShop: '返回{shop}',
    invalidTitle: '链接无效',
    invalid: '此链接无效或已过期。',
    notFound: '页面不存在',
    unsubscribeTitle: '退订',
    unsubscribeAsk: '确认不再接收{shop}的营销邮件？',
    unsubscribeButton: '退订',
    unsubscribedTitle: '您已退订',
    unsubscribed: '您将不再收到{shop}的营销邮件。订单和服务通知仍会照常发送。',
    resubscribeOffer: '误点了退订？',
    resubscribeButton: '重新订阅',
    resubscribedTitle: '欢迎回来',
    resubscribed: '您将重新收到{shop}的营销邮件，每封邮件都可以退订。',
    resubscribeRefused: '您的邮箱无法在此页面重新订阅（曾退信、被举报为垃圾邮件或已删除）。请联系{shop}。',
    ratingTitle: '您的评分',
    rating: '您的评分：{score}',
    submit: '提交',
    thanksTitle: '谢谢',
    recorded: '谢谢！您的评分 {score} 已记录。',
    alreadyRecorded: '谢谢！您的评分 {score} 之前已记录。',
    alreadyRecordedOther: '您之前已评 {recorded} 分；以第一次评分为准，{score} 分未记录。',
    invalidScore: '{score} 不是本次调查的有效评分（{min} 到 {max}）。',
    commentAsk: '想补充点什么吗？',
    send: '发送',
  },
};
