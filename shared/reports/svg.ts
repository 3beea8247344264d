/** ECharts' server-side renderer: an option in, an SVG string out (no DOM, no canvas). */
import * as echarts from 'echarts';
import type { ChartOption } from './charts.js';

export function renderSvg(option: ChartOption, width = 720, height = 320): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
