// The page's three charts (Chart.js). No animation: a chart shows the latest answer at once.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement,
         PointElement, ScatterController, Tooltip } from 'chart.js';
import { NIOSH_ACTION_LIMIT_N, compressionColour } from './colours.js';
import { PREGNANCY_WEEKS } from './stage.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement,
               ScatterController, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.color = '#2b3340';

const axis = (title, extra = {}) => ({ title: { display: true, text: title }, ...extra });

export function levelsChart(canvas) {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [
      { type: 'bar', label: 'compression (N)', data: [], backgroundColor: [] },
      { type: 'line', label: 'NIOSH action limit 3400 N', data: [], borderColor: '#c0392b', borderDash: [6, 4],
        pointRadius: 0, borderWidth: 1.5 },
    ] },
    options: { scales: { x: axis('spinal level'), y: axis('compression (N)', { beginAtZero: true }) } },
  });
}

export function showLevels(chart, levels) {
  // From the head down to the sacrum, as a spine is read.
  const rows = [...levels].reverse();
  chart.data.labels = rows.map((l) => l.level.replace('_', '/'));
  chart.data.datasets[0].data = rows.map((l) => l.compression_N);
  chart.data.datasets[0].backgroundColor = rows.map((l) => compressionColour(l.compression_N));
  chart.data.datasets[1].data = rows.map(() => NIOSH_ACTION_LIMIT_N);
  chart.canvas.dataset.points = rows.length;  // what is shown, for the browser tests
  chart.update();
}

const stageTick = (v) => (v <= PREGNANCY_WEEKS ? `P${v}` : `PP${v - PREGNANCY_WEEKS}`);

export function timelineChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [
      { label: 'L5/S1 compression (N)', data: [], borderColor: '#2563eb', pointRadius: 2, yAxisID: 'y' },
      { label: 'body mass (kg)', data: [], borderColor: '#8a8f98', borderDash: [4, 3], pointRadius: 0, yAxisID: 'y2' },
      { type: 'scatter', label: 'shown stage', data: [], backgroundColor: '#e67e22', pointRadius: 6, yAxisID: 'y' },
    ] },
    options: {
      parsing: false,
      scales: {
        x: axis('stage (P: pregnancy week, PP: postpartum week)', { type: 'linear', min: 0, max: 92,
              ticks: { stepSize: 8, callback: stageTick } }),
        y: axis('L5/S1 compression (N)'),
        y2: axis('body mass (kg)', { position: 'right', grid: { drawOnChartArea: false } }),
      },
      plugins: { tooltip: { callbacks: { title: (items) => stageTick(items[0].parsed.x) } } },
    },
  });
}

export function showTimeline(chart, points) {
  const x = (p) => (p.stage === 'pregnant' ? p.week : PREGNANCY_WEEKS + p.week);
  chart.data.datasets[0].data = points.map((p) => ({ x: x(p), y: p.L5_S1_compression_N }));
  chart.data.datasets[1].data = points.map((p) => ({ x: x(p), y: p.mass_kg }));
  chart.canvas.dataset.points = points.length;
  chart.update();
}

export function markStage(chart, slider, l5s1) {
  chart.data.datasets[2].data = Number.isFinite(l5s1) ? [{ x: slider, y: l5s1 }] : [];
  chart.update();
}

// Per hour of the day: the lowest back-extensor capacity left and the highest fatigued
// fraction within it (the day model's hourly extremes, so bars, not a line through them).
export function dayChart(canvas) {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [
      { label: 'lowest capacity left (% of rested)', data: [], backgroundColor: '#16a34a' },
      { label: 'highest fatigued fraction (%)', data: [], backgroundColor: '#dc2626' },
    ] },
    options: { scales: { x: axis('hour of day (h)'), y: axis('percent (%)', { min: 0, max: 100 }) } },
  });
}

export function showDay(chart, day) {
  chart.data.labels = day.hours.map((h) => `${h.hour.toFixed(0)}`);
  chart.data.datasets[0].data = day.hours.map((h) => 100 * h.capacity);
  chart.data.datasets[1].data = day.hours.map((h) => 100 * h.fatigued);
  chart.canvas.dataset.points = day.hours.length;
  chart.update();
}

// A what-if sweep: L5/S1 compression against one task parameter, the action limit, and
// the value the controls hold now.
export function whatIfChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [
      { label: 'L5/S1 compression (N)', data: [], borderColor: '#2563eb', pointRadius: 3 },
      { label: 'NIOSH action limit 3400 N', data: [], borderColor: '#c0392b', borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
      { type: 'scatter', label: 'current value', data: [], backgroundColor: '#e67e22', pointRadius: 6 },
    ] },
    options: { parsing: false,
               scales: { x: axis('parameter', { type: 'linear' }), y: axis('L5/S1 compression (N)') } },
  });
}

export function showWhatIf(chart, points, { name, unit, current }) {
  const data = points.map((p) => ({ x: p.value, y: p.L5_S1_compression_N }));
  chart.data.datasets[0].data = data;
  const xs = data.map((d) => d.x);
  chart.data.datasets[1].data = xs.length ? [{ x: Math.min(...xs), y: NIOSH_ACTION_LIMIT_N },
                                            { x: Math.max(...xs), y: NIOSH_ACTION_LIMIT_N }] : [];
  const at = data.find((d) => Math.abs(d.x - current) < 1e-9);
  chart.data.datasets[2].data = at ? [at] : [];
  chart.options.scales.x.title.text = `${name.replaceAll('_', ' ')}${unit ? ` (${unit})` : ''}`;
  chart.canvas.dataset.points = data.length;
  chart.canvas.dataset.values = JSON.stringify(points.map((p) => [p.value, p.L5_S1_compression_N]));
  chart.update();
}

// One claim's figures that share its most common unit, as bars numbered like its list.
export function showClaim(canvas, figures) {
  const count = new Map();
  for (const f of figures) count.set(f.unit, (count.get(f.unit) || 0) + 1);
  const unit = [...count.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const shown = figures.map((f, i) => ({ ...f, row: i + 1 })).filter((f) => f.unit === unit);
  canvas.dataset.points = shown.length;
  canvas.dataset.values = JSON.stringify(shown.map((f) => [f.name, f.value]));
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: shown.map((f) => `${f.row}`), datasets: [{ label: unit, data: shown.map((f) => f.value),
                                                            backgroundColor: '#2563eb' }] },
    options: { plugins: { tooltip: { callbacks: { title: (items) => shown[items[0].dataIndex].name } } },
               scales: { x: axis('figure (numbered as listed)'), y: axis(unit) } },
  });
}
