#!/usr/bin/env node
// github-action-benchmark's verdict on two Google Benchmark JSON files, without GitHub: its
// "googlecpp" extraction (src/extract.ts: one result per entry, value = real_time, unit =
// time_unit + "/iter") and its alert rule (src/write.ts: for each current result, the first previous
// one of the same name; ratio = current / previous, smaller being better, 1 when both are 0; an
// alert when the ratio exceeds alert-threshold, "200%" unless set). Written anew from reading that
// source, so the test suite can check what the action would say about our files.
//
//   node gha_benchmark_alert.js PREVIOUS.json CURRENT.json [ALERT_THRESHOLD, default 200%]
//
// Prints one line per alert and a summary; exits 0 without alerts, 1 with (the action's
// fail-on-alert with fail-threshold = alert-threshold), 2 on bad input.
'use strict';
const fs = require('fs');

function fail(message) {
  console.error(`gha_benchmark_alert: ${message}`);
  process.exit(2);
}

// The action's "googlecpp" reader.
function extractGoogleCpp(path) {
  let json;
  try {
    json = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`${path}: ${err.message}`);
  }
  if (!Array.isArray(json.benchmarks)) fail(`${path}: no "benchmarks" array`);
  return json.benchmarks.map((b) => ({
    name: b.name,
    value: b.real_time,
    unit: b.time_unit + '/iter',
    extra: `iterations: ${b.iterations}\ncpu: ${b.cpu_time} ${b.time_unit}\nthreads: ${b.threads}`,
  }));
}

// The action's percentage inputs: "150%" is 1.5.
function parsePercentage(text) {
  if (!text.endsWith('%')) fail(`threshold '${text}' must end with '%'`);
  const value = parseFloat(text.slice(0, -1));
  if (Number.isNaN(value)) fail(`threshold '${text}' is not a number`);
  return value / 100;
}

// googlecpp is "smaller is better".
function ratio(prev, current) {
  if (prev.value === 0 && current.value === 0) return 1;
  return current.value / prev.value;
}

function findAlerts(previous, current, threshold) {
  const alerts = [];
  for (const cur of current) {
    const prev = previous.find((b) => b.name === cur.name);
    if (prev === undefined) continue;
    const r = ratio(prev, cur);
    if (r > threshold) alerts.push({ name: cur.name, prev: prev.value, current: cur.value, unit: cur.unit, ratio: r });
  }
  return alerts;
}

const args = process.argv.slice(2);
if (args.length < 2 || args.length > 3) fail('usage: gha_benchmark_alert.js PREVIOUS.json CURRENT.json [THRESHOLD%]');
const threshold = parsePercentage(args[2] || '200%');
const previous = extractGoogleCpp(args[0]);
const current = extractGoogleCpp(args[1]);
const alerts = findAlerts(previous, current, threshold);
for (const a of alerts) {
  console.log(`alert: ${a.name}: ${a.prev} -> ${a.current} ${a.unit}, ${a.ratio.toFixed(2)}x worse (threshold ${threshold})`);
}
const compared = current.filter((c) => previous.some((p) => p.name === c.name)).length;
console.log(`${alerts.length} alert(s) over ${current.length} result(s), ${compared} with a previous one, threshold ${threshold}`);
process.exit(alerts.length > 0 ? 1 : 0);
