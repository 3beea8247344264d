/** Every word the report and the console show, in each language a marketer may choose. */
import type { Topic } from './topics.js';

export type ReportLang = 'zh-CN' | 'en';

export interface ReportLabels {
  title: string;
  generated: string;
  headline: string;
  customers: string;
  buyers: string;
  repeatPurchaseRate: string;
  orders: string;
  revenue: string;
  aov: string;
  newCustomers: string;
  returningCustomers: string;
  reactivated: string;
  churned: string;
  upgraded: string;
  downgraded: string;
  trends: string;
  weekOf: string;
  flow: string;
  flowStages: [string, string, string, string, string];
  rfm: string;
  recency: string;
  frequency: string;
  risk: string;
  riskLevels: [string, string, string];
  pAlive: string;
  cohorts: string;
  cohortMonth: string;
  monthsAfter: string;
  clv: string;
  valueTiers: Record<'high' | 'medium' | 'low', string>;
  averageClv: string;
  campaigns: string;
  funnel: string;
  funnelSteps: [string, string, string, string, string];
  lift: string;
  liftNote: string;
  control: string;
  unsubscribed: string;
  bounced: string;
  clickOrders: string;
  clickRevenue: string;
  notMeasured: string;
  noData: string;
  surveys: string;
  csat: string;
  nps: string;
  responses: string;
  lowComments: string;
  topics: Record<Topic, string>;
  campaign: string;
  flows: FlowLabels;
}

/** The report's Flows section (./flows-html.ts). `{threshold}` and `{min}` are filled in. */
export interface FlowLabels {
  title: string;
  note: string;
  entered: string;
  control: string;
  waiting: string;
  done: string;
  exited: string;
  step: string;
  sent: string;
  abSplit: string;
  metrics: Record<'conversion' | 'click' | 'revenue', string>;
  clicks: string;
  variant: string;
  recipients: string;
  conversions: string;
  rate: string;
  interval: string;
  pBest: string;
  winner: string;
  noWinner: string;
  winnerRule: string;
}

export const LABELS: Record<ReportLang, ReportLabels> = {
  en: {
    title: 'Engage report',
    generated: 'Generated',
    headline: 'At a glance',
    customers: 'Customers',
    buyers: 'Buyers',
    repeatPurchaseRate: 'Repeat-purchase rate',
    orders: 'Orders',
    revenue: 'Revenue',
    aov: 'Average order value',
    newCustomers: 'New customers',
    returningCustomers: 'Returning customers',
    reactivated: 'Reactivated',
    churned: 'Churned',
    upgraded: 'Tier upgrades',
    downgraded: 'Tier downgrades',
    trends: 'Weekly trends',
    weekOf: 'Week of',
    flow: 'Customer flow',
    flowStages: ['New (30 days)', 'Active', 'At risk', 'Churned', 'Reactivated (30 days)'],
    rfm: 'RFM grid (buyers)',
    recency: 'Recency score',
    frequency: 'Frequency score',
    risk: 'Risk distribution',
    riskLevels: ['Active', 'At risk', 'Churned'],
    pAlive: 'P(alive)',
    cohorts: 'Retention by first-order month',
    cohortMonth: 'First order',
    monthsAfter: 'Months after the first order',
    clv: 'Predicted 12-month CLV by value tier',
    valueTiers: { high: 'High (top 20 %)', medium: 'Medium (next 30 %)', low: 'Low (bottom 50 %)' },
    averageClv: 'Average CLV',
    campaigns: 'Campaigns',
    funnel: 'Campaign funnel',
    funnelSteps: ['Sent', 'Delivered', 'Opened', 'Clicked', 'Converted'],
    lift: 'Conversion lift vs holdout (95 % interval)',
    liftNote: 'Recipients’ minus control’s conversion rate; a bar that crosses 0 is not significant.',
    control: 'Control',
    unsubscribed: 'Unsub.',
    bounced: 'Bounced',
    clickOrders: 'Orders after a click',
    clickRevenue: 'Revenue after a click',
    notMeasured: 'not measured yet',
    noData: 'No data yet',
    surveys: 'Satisfaction',
    csat: 'CSAT (1–5, average)',
    nps: 'NPS (−100…100)',
    responses: 'responses',
    lowComments: 'Latest low-score comments, by reason',
    topics: { delivery: 'Delivery', damaged: 'Damaged goods', 'wrong-item': 'Wrong or missing item', quality: 'Product quality', price: 'Price', service: 'Customer service', other: 'Other' },
    campaign: 'Campaign',
    flows: {
      title: 'Flows',
      note: 'Multi-step journeys: everyone who entered, where they are now, and each A/B split with its 95 % interval.',
      entered: 'Entered',
      control: 'Control',
      waiting: 'Waiting',
      done: 'Done',
      exited: 'Exited',
      step: 'Step',
      sent: 'Sent',
      abSplit: 'A/B split',
      metrics: { conversion: 'conversion', click: 'click', revenue: 'revenue per recipient' },
      clicks: 'Clicks',
      variant: 'Variant',
      recipients: 'Recipients',
      conversions: 'Conversions',
      rate: 'Rate',
      interval: '95 % interval',
      pBest: 'P(best)',
      winner: 'winner',
      noWinner: 'No winner yet',
      winnerRule: 'a winner needs P(best) ≥ {threshold} and at least {min} recipients per variant',
    },
  },
  'zh-CN': {
    title: 'Engage 经营报告',
    generated: '生成时间',
    headline: '概览',
    customers: '客户数',
    buyers: '购买客户',
    repeatPurchaseRate: '复购率',
    orders: '订单数',
    revenue: '销售额',
    aov: '客单价',
    newCustomers: '新客户',
    returningCustomers: '回头客',
    reactivated: '召回客户',
    churned: '流失客户',
    upgraded: '会员升级',
    downgraded: '会员降级',
    trends: '每周趋势',
    weekOf: '周起始',
    flow: '客户流转',
    flowStages: ['新客户（30 天）', '活跃', '有流失风险', '已流失', '已召回（30 天）'],
    rfm: 'RFM 矩阵（购买客户）',
    recency: '最近购买得分',
    frequency: '购买频次得分',
    risk: '流失风险分布',
    riskLevels: ['活跃', '有流失风险', '已流失'],
    pAlive: '存活概率',
    cohorts: '按首单月份的留存',
    cohortMonth: '首单月份',
    monthsAfter: '首单后月数',
    clv: '按价值层级的预测 12 个月客户终身价值',
    valueTiers: { high: '高（前 20%）', medium: '中（其后 30%）', low: '低（后 50%）' },
    averageClv: '平均 CLV',
    campaigns: '营销活动',
    funnel: '活动漏斗',
    funnelSteps: ['已发送', '已送达', '已打开', '已点击', '已转化'],
    lift: '相对对照组的转化提升（95% 区间）',
    liftNote: '收件人转化率减去对照组转化率；跨过 0 的区间不显著。',
    control: '对照组',
    unsubscribed: '退订',
    bounced: '退信',
    clickOrders: '点击后下单',
    clickRevenue: '点击后销售额',
    notMeasured: '尚未统计',
    noData: '暂无数据',
    surveys: '满意度',
    csat: 'CSAT（1–5 平均分）',
    nps: 'NPS（−100…100）',
    responses: '份回复',
    lowComments: '最新低分评论（按原因分组）',
    topics: { delivery: '物流配送', damaged: '商品破损', 'wrong-item': '错发漏发', quality: '商品质量', price: '价格', service: '客服', other: '其他' },
    campaign: '活动',
    flows: {
      title: '自动化旅程',
      note: '多步骤旅程：进入人数、当前所处阶段，以及每个 A/B 测试的 95% 区间。',
      entered: '进入',
      control: '对照组',
      waiting: '等待中',
      done: '已完成',
      exited: '已退出',
      step: '步骤',
      sent: '已发送',
      abSplit: 'A/B 测试',
      metrics: { conversion: '下单转化', click: '点击', revenue: '人均收入' },
      clicks: '点击',
      variant: '版本',
      recipients: '收件人',
      conversions: '转化',
      rate: '转化率',
      interval: '95% 区间',
      pBest: '最优概率',
      winner: '胜出',
      noWinner: '尚无胜出版本',
      winnerRule: '胜出需最优概率 ≥ {threshold}，且每个版本至少 {min} 位收件人',
    },
  },
};

export const parseLang = (s: string | undefined): ReportLang => {
  if (s === undefined || s === 'en') return 'en';
  if (s === 'zh-CN' || s === 'zh') return 'zh-CN';
  throw new Error(`unknown language "${s}" (zh-CN or en)`);
};
