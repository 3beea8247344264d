/**
 * ECharts options for every chart of the report (pure data → option objects; ./svg.ts renders
 * them). One palette and font stack, so Chinese labels render with a CJK font where one exists.
 */
import type { CampaignKpi, KpiData, PeriodKpi } from './kpis.js';
import type { ReportLabels } from './labels.js';
import type { TopicGroup } from './topics.js';

export type ChartOption = Record<string, unknown>;

export const FONT = '"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",Helvetica,Arial,sans-serif';
const PALETTE = ['#8a3b12', '#2f6f8f', '#6a9a3a', '#c9a227', '#7b4f9d', '#c0504d', '#4d7c8a'];

const base = (extra: ChartOption): ChartOption => ({
  animation: false,
  color: PALETTE,
  textStyle: { fontFamily: FONT },
  grid: { left: 56, right: 56, top: 40, bottom: 48, containLabel: true },
  ...extra,
});
const legend = (names: string[]) => ({ top: 0, data: names, textStyle: { fontFamily: FONT } });
const week = (p: PeriodKpi) => p.period.slice(5);

export function customerTrends(weeks: PeriodKpi[], L: ReportLabels): ChartOption {
  const series = [
    [L.newCustomers, weeks.map((w) => w.newCustomers)],
    [L.returningCustomers, weeks.map((w) => w.returningCustomers)],
    [L.reactivated, weeks.map((w) => w.reactivated)],
    [L.churned, weeks.map((w) => w.churned)],
    [L.upgraded, weeks.map((w) => w.upgraded)],
  ] as const;
  return base({
    legend: legend(series.map(([n]) => n)),
    xAxis: { type: 'category', data: weeks.map(week), name: L.weekOf, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(([name, data]) => ({ name, type: 'line', data, symbolSize: 4 })),
  });
}

export function revenueTrends(weeks: PeriodKpi[], L: ReportLabels): ChartOption {
  return base({
    legend: legend([L.revenue, L.aov, L.orders]),
    xAxis: { type: 'category', data: weeks.map(week) },
    yAxis: [{ type: 'value', name: L.revenue }, { type: 'value', name: L.aov, splitLine: { show: false } }],
    series: [
      { name: L.revenue, type: 'bar', data: weeks.map((w) => w.revenue) },
      { name: L.aov, type: 'line', yAxisIndex: 1, data: weeks.map((w) => w.aov) },
      { name: L.orders, type: 'line', yAxisIndex: 1, data: weeks.map((w) => w.orders), lineStyle: { type: 'dashed' } },
    ],
  });
}

export function customerFlow(f: KpiData['flow'], L: ReportLabels): ChartOption {
  const values = [f.new, f.active, f.atRisk, f.churned, f.reactivated];
  return base({
    xAxis: { type: 'category', data: L.flowStages, axisLabel: { interval: 0, fontSize: 10, width: 84, overflow: 'break' } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: values.map((value, i) => ({ value, itemStyle: { color: ['#2f6f8f', '#6a9a3a', '#c9a227', '#c0504d', '#7b4f9d'][i] } })), label: { show: true, position: 'top' } }],
  });
}

const heat = (data: Array<[number, number, number]>, max: number, x: string[], y: string[], names: [string, string], percent = false): ChartOption =>
  base({
    grid: { left: 72, right: 24, top: 16, bottom: 72, containLabel: true },
    xAxis: { type: 'category', data: x, name: names[0], nameLocation: 'middle', nameGap: 32, splitArea: { show: true } },
    yAxis: { type: 'category', data: y, name: names[1], nameLocation: 'middle', nameGap: 56, splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(max, percent ? 1 : 1), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#f4f1ec', '#8a3b12'] }, textStyle: { fontFamily: FONT } },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: true, fontSize: 10, formatter: percent ? (p: { value: number[] }) => `${Math.round(p.value[2]! * 100)}%` : undefined },
      },
    ],
  });

export function rfmGrid(grid: number[][], L: ReportLabels): ChartOption {
  const data: Array<[number, number, number]> = grid.flatMap((row, r) => row.map((n, f): [number, number, number] => [r, f, n]));
  return heat(data, Math.max(0, ...data.map((d) => d[2])), ['1', '2', '3', '4', '5'], ['1', '2', '3', '4', '5'], [L.recency, L.frequency]);
}

export function cohortRetention(cohorts: KpiData['cohorts'], L: ReportLabels): ChartOption {
  const width = Math.max(1, ...cohorts.map((c) => c.retention.length));
  // Month 0 is 100 % by definition; the scale starts after it so later months stay readable.
  const data: Array<[number, number, number]> = cohorts.flatMap((c, y) => c.retention.slice(1).map((v, k): [number, number, number] => [k, y, v]));
  return heat(data, Math.max(0.05, ...data.map((d) => d[2])), Array.from({ length: width - 1 }, (_, k) => `+${k + 1}`), cohorts.map((c) => `${c.cohort} (${c.size})`), [L.monthsAfter, L.cohortMonth], true);
}

export function riskDistribution(r: KpiData['risk'], L: ReportLabels): ChartOption {
  return base({
    grid: [{ left: 48, width: '36%', top: 40, bottom: 40 }, { right: 24, width: '46%', top: 40, bottom: 40 }],
    title: [{ text: L.risk, left: '2%', textStyle: { fontSize: 12, fontFamily: FONT } }, { text: L.pAlive, left: '52%', textStyle: { fontSize: 12, fontFamily: FONT } }],
    xAxis: [{ type: 'category', gridIndex: 0, data: L.riskLevels }, { type: 'category', gridIndex: 1, data: r.pAliveHistogram.map((_, i) => `${i / 10}`) }],
    yAxis: [{ type: 'value', gridIndex: 0, minInterval: 1 }, { type: 'value', gridIndex: 1, minInterval: 1 }],
    series: [
      { type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: [r.byLevel.active, r.byLevel['at-risk'], r.byLevel.churned].map((value, i) => ({ value, itemStyle: { color: ['#6a9a3a', '#c9a227', '#c0504d'][i] } })), label: { show: true, position: 'top' } },
      { type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: r.pAliveHistogram, itemStyle: { color: '#2f6f8f' } },
    ],
  });
}

export function clvByTier(tiers: KpiData['clvByTier'], L: ReportLabels): ChartOption {
  return base({
    xAxis: { type: 'category', data: tiers.map((t) => `${L.valueTiers[t.tier]}\n${t.customers}`), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', name: L.averageClv },
    series: [{ type: 'bar', data: tiers.map((t) => t.averageClv), label: { show: true, position: 'top' } }],
  });
}

/** Steps not measured yet (opens, clicks, deliveries: phase 2) are left out rather than drawn as 0. */
export function campaignFunnel(cs: CampaignKpi[], L: ReportLabels): ChartOption {
  const steps = [
    [L.funnelSteps[0], (c: CampaignKpi) => c.sent],
    [L.funnelSteps[1], (c: CampaignKpi) => c.delivered],
    [L.funnelSteps[2], (c: CampaignKpi) => c.opened],
    [L.funnelSteps[3], (c: CampaignKpi) => c.clicked],
    [L.funnelSteps[4], (c: CampaignKpi) => c.converted],
  ] as const;
  const measured = steps.filter(([, get]) => cs.some((c) => get(c) !== null));
  return base({
    legend: legend(measured.map(([n]) => n)),
    xAxis: { type: 'category', data: cs.map((c) => c.campaignId), axisLabel: { interval: 0, rotate: cs.length > 4 ? 20 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: measured.map(([name, get]) => ({ name, type: 'bar', data: cs.map((c) => get(c) ?? 0), label: { show: true, position: 'top', fontSize: 10 } })),
  });
}

export function campaignLift(cs: CampaignKpi[], L: ReportLabels): ChartOption {
  const shown = cs.filter((c) => c.lift.kind === 'report');
  const pct = (v: number) => Math.round(v * 1000) / 10;
  return base({
    xAxis: { type: 'category', data: shown.map((c) => c.campaignId) },
    yAxis: { type: 'value', name: '%', axisLine: { onZero: true } },
    series: [
      {
        type: 'boxplot',
        data: shown.map((c) => (c.lift.kind === 'report' ? [c.lift.absoluteLift.low, c.lift.absoluteLift.low, c.lift.absoluteLift.estimate, c.lift.absoluteLift.high, c.lift.absoluteLift.high].map(pct) : [])),
        itemStyle: { color: '#f4e6dc', borderColor: '#8a3b12' },
      },
      { type: 'line', data: shown.map(() => 0), symbol: 'none', lineStyle: { type: 'dashed', color: '#777' } },
    ],
  });
}

export function satisfactionTrend(weeks: PeriodKpi[], L: ReportLabels): ChartOption {
  return base({
    legend: legend([L.csat, L.nps]),
    xAxis: { type: 'category', data: weeks.map(week) },
    yAxis: [{ type: 'value', min: 1, max: 5, name: 'CSAT' }, { type: 'value', min: -100, max: 100, name: 'NPS', splitLine: { show: false } }],
    series: [
      { name: L.csat, type: 'line', connectNulls: true, data: weeks.map((w) => w.csat.average) },
      { name: L.nps, type: 'line', yAxisIndex: 1, connectNulls: true, data: weeks.map((w) => w.nps.score) },
    ],
  });
}

export function commentTopics(groups: TopicGroup[], L: ReportLabels): ChartOption {
  return base({
    grid: { left: 24, right: 40, top: 16, bottom: 24, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: groups.map((g) => L.topics[g.topic]) },
    series: [{ type: 'bar', data: groups.map((g) => g.count), label: { show: true, position: 'right' } }],
  });
}
