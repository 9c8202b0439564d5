// The viewer: controls -> JSON API -> 3D view, numbers and charts. Every control change
// re-analyses (debounced); the timeline follows subject and task, the day follows the stage.
import './style.css';
import { ApiError, getJson, post } from './api.js';
import { dayChart, levelsChart, markStage, showClaim, showDay, showLevels, showTimeline, showWhatIf, timelineChart,
         whatIfChart } from './charts.js';
import { NIOSH_ACTION_LIMIT_N, compressionColour, riskColour } from './colours.js';
import { PREGNANCY_WEEKS, stageLabel, stageOf, subjectOf } from './stage.js';
import { SpineView } from './view3d.js';

const $ = (id) => document.getElementById(id);
const controls = { height: $('height'), mass: $('mass'), stage: $('stage'), breastfeeding: $('breastfeeding'),
                   delivery: $('delivery'), task: $('task'), colourBy: $('colour-by') };
let tasks = [];
let view = null;
let lastGeometry = null;
const charts = { levels: levelsChart($('chart-levels')), timeline: timelineChart($('chart-timeline')),
                 day: dayChart($('chart-day')), whatIf: whatIfChart($('chart-whatif')) };

try {
  view = new SpineView($('view'));
} catch (e) {
  $('view').textContent = `The 3D view needs WebGL, which this browser did not provide (${e.message}).`;
}

function showError(message, field) {
  const box = $('error');
  if (!message) {
    box.hidden = true;
    box.textContent = '';
    for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    return;
  }
  box.hidden = false;
  box.textContent = message;
  const name = (field || '').replace(/^settings\./, '');
  const input = document.querySelector(`[data-param="${CSS.escape(name)}"]`) ||
                { 'subject': controls.height, 'subject.height_m': controls.height,
                  'subject.pre_pregnancy_mass_kg': controls.mass }[field];
  input?.setAttribute('aria-invalid', 'true');
}

function currentTask() { return tasks.find((t) => t.id === controls.task.value); }

function renderParams() {
  const task = currentTask();
  $('task-doc').textContent = task ? task.description : '';
  const box = $('params');
  box.replaceChildren();
  for (const p of task?.parameters || []) {
    const label = document.createElement('label');
    label.title = p.doc;
    label.append(`${p.name.replaceAll('_', ' ')} `);
    let input;
    if (p.choices) {
      input = document.createElement('select');
      for (const c of p.choices) input.add(new Option(c, c, false, c === p.default));
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.min = p.min;
      input.max = p.max;
      input.step = 'any';
      input.value = p.default;
    }
    input.dataset.param = p.name;
    label.append(input, p.unit ? ` ${p.unit}` : '');
    box.append(label);
  }
  // The numeric parameters can be swept.
  $('whatif-param').replaceChildren(...(task?.parameters || []).filter((p) => !p.choices)
    .map((p) => new Option(`${p.name.replaceAll('_', ' ')} (${p.min}-${p.max} ${p.unit})`, p.name)));
  showWhatIf(charts.whatIf, [], { name: 'parameter', unit: '', current: NaN });
  $('whatif-summary').textContent = '';
}

// Nine values across the parameter's range (its current value among them when it falls on
// one), the other parameters as they are.
function whatIf() {
  const p = currentTask()?.parameters.find((q) => q.name === $('whatif-param').value);
  if (!p) return Promise.resolve();
  const others = settings();
  const current = others[p.name];
  delete others[p.name];
  $('whatif-summary').textContent = '';
  return run('whatif', '/api/compare', { subject: subject(), task: controls.task.value, settings: others,
                                         vary: { name: p.name, from: p.min, to: p.max, step: (p.max - p.min) / 8 } },
             (j) => showWhatIf(charts.whatIf, j.points, { name: p.name, unit: p.unit, current }));
}

function settings() {
  const out = {};
  for (const input of $('params').querySelectorAll('[data-param]')) {
    if (input.tagName === 'SELECT') out[input.dataset.param] = input.value;
    else if (input.value.trim() === '') out[input.dataset.param] = input.value;  // the server says what is wrong
    else out[input.dataset.param] = Number(input.value);
  }
  return out;
}

// Her, as the controls say, at the slider's stage (or at another point of the slider).
function subject(slider = Number(controls.stage.value)) {
  return subjectOf({ height_m: Number(controls.height.value), mass_kg: Number(controls.mass.value), slider,
                     breastfeeding: controls.breastfeeding.checked, delivery: controls.delivery.value });
}

function legend() {
  const risk = controls.colourBy.value === 'risk';
  const stops = risk ? [[0, '0'], [0.5, '0.5'], [1, '1 (strength)']]
                     : [[0, '0 N'], [NIOSH_ACTION_LIMIT_N, '3400 N action limit'], [6400, '6400 N max. permissible']];
  $('legend').replaceChildren(...stops.map(([x, text]) => {
    const s = document.createElement('span');
    s.innerHTML = `<i style="background:${risk ? riskColour(x) : compressionColour(x)}"></i>`;
    s.append(text);
    return s;
  }));
}

function showResult(j) {
  const s = j.summary;
  const l5 = s.L5_S1_compression_N;
  $('l5s1').textContent = Math.round(l5).toString();
  $('l5s1').dataset.value = String(l5);
  $('l5s1-percent').textContent = s.percent_of_NIOSH_action_limit.toFixed(0);
  $('l5s1-risk').textContent = s.L5_S1_factor_of_risk.toFixed(2);
  $('status').textContent = s.beyond_muscle_capacity ? 'beyond muscle capacity (reserve moments needed)' : 'hold the load';
  $('status').className = s.beyond_muscle_capacity ? 'bad' : 'good';
  lastGeometry = j.geometry;
  view?.show(j.geometry, controls.colourBy.value);
  showLevels(charts.levels, j.geometry.levels);
  markStage(charts.timeline, Number(controls.stage.value), l5);
}

// A typical day with the baby (as examples/day_6_weeks.yaml), the infant as old as her
// postpartum stage.
function daySchedule(week) {
  const set = { infant_age_months: Math.min(12, Math.round((10 * week) / 4.345) / 10) };
  return { name: 'viewer_day', day_start_h: 6, day_end_h: 22, tasks: [
    { task: 'breastfeed-seated', count: 8, duration_min: 20, start_h: 6, interval_h: 2, set: { ...set, pillow: 1 } },
    { task: 'change-diaper', count: 10, duration_min: 3, start_h: 6.5, interval_h: 1.5, set },
    { task: 'lift-from-crib', count: 25, duration_s: 4, start_h: 6.2, interval_h: 0.6, set },
    { task: 'carry-in-arms', count: 8, duration_min: 15, start_h: 7, interval_h: 1.8, set },
  ] };
}

const busy = new Set();
function setBusy(key, on) {
  on ? busy.add(key) : busy.delete(key);
  document.body.dataset.busy = busy.size ? 'true' : 'false';
}

// The analysis reports errors in the error box; the timeline and the day (same inputs, so
// the same error) say theirs beside their chart.
async function run(key, path, body, show) {
  setBusy(key, true);
  try {
    const j = await post(key, path, body);
    if (j) {
      show(j);
      if (key === 'analyze') showError(null);
    }
  } catch (e) {
    if (key === 'analyze' || !(e instanceof ApiError)) showError(e.message, e.field);
    else $(`${key}-summary`).textContent = `(not computed: ${e.message})`;
  } finally {
    setBusy(key, false);
  }
}

function analyse() {
  return run('analyze', '/api/analyze', { subject: subject(), task: controls.task.value, settings: settings() }, showResult);
}

function timeline() {
  // Every stage of the year, with her postpartum fields (the timeline sets stage and week).
  const { stage, week, ...rest } = subject(PREGNANCY_WEEKS + 1);
  return run('timeline', '/api/timeline', { subject: rest, task: controls.task.value, settings: settings(), step_weeks: 4 },
             (j) => { showTimeline(charts.timeline, j.points); $('timeline-summary').textContent = ''; });
}

function day() {
  const s = subject();
  if (s.stage !== 'postpartum') {
    $('day-summary').textContent = '(computed for postpartum stages: move the stage past birth)';
    showDay(charts.day, { hours: [] });
    $('day-tasks').tBodies[0].replaceChildren();
    return Promise.resolve();
  }
  return run('day', '/api/day', { subject: s, schedule: daySchedule(s.week) }, (j) => {
    showDay(charts.day, j);
    $('day-tasks').tBodies[0].replaceChildren(...j.tasks.map((t) => {
      const row = document.createElement('tr');
      for (const v of [t.task.split(' ')[0], t.count, t.peak_L5_S1_N.toFixed(0), (100 * t.extensor_demand).toFixed(0),
                       t.cumulative_load_MNs.toFixed(2)]) row.insertCell().textContent = v;
      return row;
    }));
    $('day-summary').textContent = `(lowest capacity ${(100 * j.lowest_capacity).toFixed(0)} % at ` +
      `${j.lowest_capacity_hour.toFixed(1)} h; cumulative L5/S1 load ${j.cumulative_load_MNs.toFixed(2)} MN s)`;
  });
}

// The claims report on demand (it runs some forty analyses): each claim with its verdict, its
// answer, a chart of its figures in their most common unit and the list of them.
let claimCharts = [];
function claims() {
  $('claims-summary').textContent = '(running the experiments…)';
  return run('claims', '/api/claims', { subject: subject() }, (j) => {
    for (const c of claimCharts) c.destroy();
    claimCharts = [];
    $('claims-list').replaceChildren(...j.claims.map((c) => {
      const box = document.createElement('details');
      box.className = 'claim';
      box.dataset.verdict = c.verdict;
      const head = document.createElement('summary');
      head.textContent = `${c.number}. "${c.claim}": ${c.verdict}`;
      const answer = document.createElement('p');
      answer.textContent = c.answer;
      const experiment = document.createElement('p');
      experiment.className = 'doc';
      experiment.textContent = `Experiment: ${c.experiment}. Limits: ${c.limits}`;
      box.append(head, answer, experiment);
      if (c.figures.length) {
        const holder = document.createElement('div');
        holder.className = 'chart';
        const canvas = document.createElement('canvas');
        canvas.id = `chart-claim-${c.number}`;
        holder.append(canvas);
        const list = document.createElement('ol');
        list.className = 'doc';
        list.append(...c.figures.map((f) => {
          const item = document.createElement('li');
          item.textContent = `${f.name}: ${Number(f.value.toPrecision(4))} ${f.unit}`;
          return item;
        }));
        box.append(holder, list);
        claimCharts.push(showClaim(canvas, c.figures));
      }
      return box;
    }));
    $('claims-summary').textContent = `(${j.claims.length} claims: ` +
      ['supported', 'partly supported', 'not supported', 'outside what the model can say']
        .map((v) => `${j.claims.filter((c) => c.verdict === v).length} ${v}`).join(', ') + ')';
  });
}

function debounce(fn, ms) {
  let t = null;
  return () => { clearTimeout(t); t = setTimeout(fn, ms); };
}
const analyseSoon = debounce(analyse, 120);
const timelineSoon = debounce(timeline, 400);
const daySoon = debounce(day, 400);

function onStage() {
  $('stage-label').textContent = stageLabel(stageOf(controls.stage.value));
  const pregnant = stageOf(controls.stage.value).stage !== 'postpartum';
  controls.delivery.disabled = pregnant;
  controls.breastfeeding.disabled = pregnant;
}

async function start() {
  legend();
  onStage();
  try {
    tasks = (await getJson('/api/tasks')).tasks;
  } catch (e) {
    showError(`cannot list the tasks: ${e.message}`);
    return;
  }
  for (const t of tasks) controls.task.add(new Option(t.id, t.id));
  controls.task.value = tasks.some((t) => t.id === 'carry-on-hip') ? 'carry-on-hip' : tasks[0].id;
  renderParams();

  controls.stage.addEventListener('input', () => { onStage(); analyseSoon(); daySoon(); });
  for (const c of [controls.height, controls.mass, controls.breastfeeding, controls.delivery])
    c.addEventListener('input', () => { analyseSoon(); timelineSoon(); daySoon(); });
  controls.task.addEventListener('change', () => { renderParams(); analyseSoon(); timelineSoon(); });
  $('params').addEventListener('input', () => { analyseSoon(); timelineSoon(); });
  $('whatif-run').addEventListener('click', whatIf);
  $('claims-run').addEventListener('click', claims);
  controls.colourBy.addEventListener('change', () => { legend(); if (lastGeometry) view?.show(lastGeometry, controls.colourBy.value); });
  await Promise.all([analyse(), timeline(), day()]);
}

start();
