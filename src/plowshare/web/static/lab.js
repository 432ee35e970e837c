// plowshare lab: controls from the registry, central answer on every change, bands after.
// No eval, no inline handlers, no request anywhere but this server.
"use strict";

const state = {
  meta: null,
  spec: { base: "baseline", levers: {}, overrides: {}, seed: 20260101 },
  levers: {},        // effective lever values (from the last central answer)
  central: null,
  bands: null,
  saved: {},         // name -> spec saved as an A/B reference
  stateMetric: "blocked",
  stateSel: null,
  centralCtl: null,
  bandsCtl: null,
  bandsTimer: 0,
  seq: 0,
};

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
};
const fmtInt = (n) => n.toLocaleString("en-US");

async function api(path, body, signal) {
  const opts = body === undefined ? { signal } : {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify(body), signal,
  };
  const r = await fetch(path, opts);
  const data = await r.json();
  if (!r.ok) throw new Error(data.detail || `HTTP ${r.status}`);
  return data;
}

function showError(msg) {
  const e = $("#error");
  e.hidden = !msg;
  e.textContent = msg || "";
}

function setStatus(msg) { $("#status").textContent = msg; }

// ---- controls -------------------------------------------------------------------------------

function tipOf(p) {
  const src = p.sources.length ? `Sources: ${p.sources.join(" | ")}` : "Status: judgment";
  return [`${p.name} (${p.unit})`, p.description, p.note, `Status: ${p.status}`, src]
    .filter(Boolean).join("\n");
}

function stepOf(p) {
  if (p.unit === "year") return 1;
  if (p.unit === "fraction" || p.unit === "1/yr") return 0.005;
  if (p.max !== null && p.min !== null) return (p.max - p.min) / 100;
  return "any";
}

function setLever(name, value) {
  state.spec.levers[name] = value;
  changed();
}

function leverControl(p) {
  const id = `lever-${p.name.replace(/[^a-z0-9]/gi, "-")}`;
  const tip = tipOf(p);
  const wrap = el("div", { class: "lever", "data-lever": p.name });
  const label = el("label", { for: id, title: tip, text: p.description });
  const help = el("span", { class: "unit", text: ` ${p.name} · ${p.unit} · ${p.status}` });
  if (p.kind === "category") {
    const sel = el("select", { id, title: tip });
    for (const c of p.choices) sel.append(el("option", { value: c, text: c }));
    sel.addEventListener("change", () => setLever(p.name, sel.value));
    wrap.append(label, help, sel);
  } else if (p.kind === "states") {
    wrap.append(statesControl(p, id, label, help, tip));
  } else if (p.unit === "flag") {
    const box = el("input", { id, type: "checkbox", title: tip });
    box.addEventListener("change", () => setLever(p.name, box.checked ? 1 : 0));
    wrap.classList.add("flag");
    wrap.append(box, label, help);
  } else {
    const num = el("input", { id, type: "number", step: stepOf(p), title: tip,
      min: p.min, max: p.max, inputmode: "decimal" });
    wrap.append(label, help);
    if (p.min !== null && p.max !== null && p.max - p.min <= 1000) {
      const range = el("input", { id: `${id}-range`, type: "range", step: stepOf(p),
        min: p.min, max: p.unit === "year" ? Math.min(p.max, 2060) : p.max,
        "aria-label": `${p.description} (slider)`, title: tip });
      range.addEventListener("input", () => { num.value = range.value; setLever(p.name, Number(range.value)); });
      wrap.append(range);
    }
    num.addEventListener("change", () => {
      if (num.value === "" || !Number.isFinite(Number(num.value))) return;
      setLever(p.name, Number(num.value));
    });
    wrap.append(num);
  }
  return wrap;
}

function tileGrid(cls, label) {
  return el("div", { class: `tiles ${cls}`, role: "group", "aria-label": label });
}

function placeTile(btn, code) {
  const [row, col] = state.meta.tiles[code];
  btn.style.gridRow = String(row + 1);
  btn.style.gridColumn = String(col + 1);
}

function statesControl(p, id, label, help, tip) {
  const box = el("fieldset", { class: "states", id, title: tip });
  box.append(el("legend", { text: p.description }), help);
  const grid = tileGrid("picker", `${p.description}: click states to add or remove them`);
  for (const code of state.meta.states) {
    const b = el("button", { type: "button", class: "tile", "data-state": code,
      "aria-pressed": "false", title: state.meta.state_names[code], text: code,
      "aria-label": `${state.meta.state_names[code]} (${code})` });
    placeTile(b, code);
    b.addEventListener("click", () => toggleState(p, code));
    grid.append(b);
  }
  const groupSel = el("select", { id: `${id}-group`, "aria-label": `${p.description}: pick a group` });
  groupSel.append(el("option", { value: "", text: "Pick a group…" }));
  for (const [g, info] of Object.entries(state.meta.groups)) {
    groupSel.append(el("option", { value: g, text: `${g} — ${info.description}` }));
  }
  groupSel.addEventListener("change", () => {
    if (!groupSel.value) return;
    const codes = state.meta.groups[groupSel.value].states;
    if (p.rates) {
      const rate = Number(box.querySelector(".rate").value) || 0.02;
      setLever(p.name, Object.fromEntries(codes.map((c) => [c, rate])));
    } else setLever(p.name, [...codes]);
    groupSel.value = "";
  });
  const tools = el("div", { class: "bar" }, groupSel);
  if (p.rates) {
    const rid = `${id}-rate`;
    tools.append(el("label", { for: rid, text: "rate for states you click" }),
      el("input", { id: rid, class: "rate", type: "number", min: 0, max: 1, step: 0.005, value: 0.02 }));
  }
  box.append(tools, grid);
  return box;
}

function toggleState(p, code) {
  const cur = state.levers[p.name];
  if (p.rates) {
    const next = { ...(cur || {}) };
    if (code in next) delete next[code];
    else next[code] = Number(document.querySelector(`[data-lever="${p.name}"] .rate`).value) || 0.02;
    setLever(p.name, next);
  } else {
    const set = new Set(cur || []);
    if (set.has(code)) set.delete(code); else set.add(code);
    setLever(p.name, state.meta.states.filter((s) => set.has(s)));
  }
}

function buildControls() {
  const groups = $("#lever-groups");
  const byModel = {};
  for (const p of state.meta.levers) (byModel[p.model] ||= []).push(p);
  const order = ["siting", "compute", "energy", "investment", "labor", "fund", "contest"];
  for (const m of Object.keys(byModel).sort((a, b) => order.indexOf(a) - order.indexOf(b))) {
    const d = el("details", { class: "group", open: m === "siting" || m === "compute" });
    d.append(el("summary", { text: `${m} (${byModel[m].length})` }));
    for (const p of byModel[m]) d.append(leverControl(p));
    groups.append(d);
  }
}

function syncControls() {
  for (const p of state.meta.levers) {
    const v = state.levers[p.name];
    if (v === undefined) continue;
    const wrap = document.querySelector(`[data-lever="${p.name}"]`);
    if (!wrap) continue;
    const changedHere = p.name in state.spec.levers;
    wrap.classList.toggle("changed", changedHere);
    if (p.kind === "states") {
      const on = p.rates ? v : Object.fromEntries(v.map((s) => [s, 1]));
      for (const b of wrap.querySelectorAll(".tile")) {
        const code = b.dataset.state;
        const pressed = code in on;
        b.setAttribute("aria-pressed", pressed ? "true" : "false");
        b.textContent = p.rates && pressed ? `${code} ${(on[code] * 100).toFixed(1)}%` : code;
        placeTile(b, code);
      }
    } else if (p.kind === "category") {
      wrap.querySelector("select").value = v;
    } else if (p.unit === "flag") {
      wrap.querySelector("input").checked = v === 1;
    } else {
      const num = wrap.querySelector('input[type="number"]');
      const range = wrap.querySelector('input[type="range"]');
      if (document.activeElement !== num) num.value = String(v);
      if (range && document.activeElement !== range) range.value = String(v);
    }
  }
}

// ---- assumptions drawer -----------------------------------------------------------------------

function buildAssumptions() {
  const list = $("#assumption-list");
  for (const p of state.meta.uncertainties) {
    const id = `u-${p.name.replace(/[^a-z0-9]/gi, "-")}`;
    const row = el("div", { class: "assumption", "data-param": p.name,
      "data-search": `${p.name} ${p.description} ${p.status}`.toLowerCase() });
    const src = p.sources.length ? p.sources.join(" | ") : "judgment (see note)";
    row.append(
      el("h3", { text: p.description }),
      el("p", { class: "unit", text: `${p.name} · ${p.unit} · status: ${p.status}` }),
      el("p", { text: `Distribution: ${p.describe} (p5 ${p.p5.toPrecision(3)}, median ${p.p50.toPrecision(3)}, p95 ${p.p95.toPrecision(3)})` }),
      el("p", { class: "src", text: `Sources: ${src}` }),
    );
    if (p.note) row.append(el("p", { class: "src", text: p.note }));
    const kind = el("select", { id: `${id}-kind`, "aria-label": `${p.name}: what to change` });
    for (const [v, t] of [["", "as shipped"], ["fixed", "fix at a value"], ["uniform", "uniform, p5–p95"],
      ["normal", "normal, p5–p95"], ["lognormal", "lognormal, p5–p95"]]) kind.append(el("option", { value: v, text: t }));
    const a = el("input", { id: `${id}-a`, type: "number", step: "any", "aria-label": `${p.name}: value or p5`, value: p.value });
    const b = el("input", { id: `${id}-b`, type: "number", step: "any", "aria-label": `${p.name}: p95`, value: p.p95 });
    const apply = () => {
      const x = Number(a.value), y = Number(b.value);
      if (!kind.value) delete state.spec.overrides[p.name];
      else if (kind.value === "fixed") { if (Number.isFinite(x)) state.spec.overrides[p.name] = x; }
      else if (Number.isFinite(x) && Number.isFinite(y)) state.spec.overrides[p.name] = { kind: kind.value, p5: x, p95: y };
      changed();
    };
    for (const c of [kind, a, b]) c.addEventListener("change", apply);
    row.append(el("div", { class: "bar" }, kind, a, b));
    list.append(row);
  }
  $("#assumption-filter").addEventListener("input", (e) => {
    const q = e.target.value.toLowerCase();
    for (const r of list.children) r.hidden = q && !r.dataset.search.includes(q);
  });
  const drawer = $("#assumptions"), opener = $("#open-assumptions");
  const toggle = (open) => { drawer.hidden = !open; opener.setAttribute("aria-expanded", String(open));
    (open ? $("#assumption-filter") : opener).focus(); };
  opener.addEventListener("click", () => toggle(drawer.hidden));
  $("#close-assumptions").addEventListener("click", () => toggle(false));
  drawer.addEventListener("keydown", (e) => { if (e.key === "Escape") toggle(false); });
}

function syncAssumptions() {
  for (const row of document.querySelectorAll(".assumption")) {
    const o = state.spec.overrides[row.dataset.param];
    row.classList.toggle("changed", o !== undefined);
    const kind = row.querySelector("select");
    if (o === undefined) kind.value = "";
    else if (typeof o === "number") { kind.value = "fixed"; row.querySelectorAll("input")[0].value = o; }
    else { kind.value = o.kind; row.querySelectorAll("input")[0].value = o.p5; row.querySelectorAll("input")[1].value = o.p95; }
  }
}

// ---- recompute ------------------------------------------------------------------------------

function changed() {
  showError("");
  recomputeCentral();
}

async function recomputeCentral() {
  if (state.centralCtl) state.centralCtl.abort();
  const ctl = new AbortController();
  state.centralCtl = ctl;
  const seq = ++state.seq;
  const t0 = performance.now();
  try {
    const body = { scenario: state.spec, state_year: Number($("#state-year").value) || 2035 };
    const data = await api("/api/central", body, ctl.signal);
    if (seq !== state.seq) return;
    state.central = data;
    state.levers = data.levers;
    state.bands = null;
    history.replaceState(null, "", `?s=${data.share}`);
    renderAll();
    document.body.dataset.centralMs = String(Math.round(performance.now() - t0));
    document.body.dataset.share = data.share;
    setStatus(`Central answer in ${Math.round(performance.now() - t0)} ms (model ${data.timing_ms.model.toFixed(1)} ms); bands computing…`);
    scheduleBands(seq);
  } catch (e) {
    if (e.name === "AbortError") return;
    showError(e.message);
    setStatus("");
  }
}

function scheduleBands(seq) {
  clearTimeout(state.bandsTimer);
  if (state.bandsCtl) state.bandsCtl.abort();
  document.body.dataset.bands = "pending";
  state.bandsTimer = setTimeout(async () => {
    const ctl = new AbortController();
    state.bandsCtl = ctl;
    const t0 = performance.now();
    try {
      const draws = state.meta.limits.band_draws_default;
      const body = { scenario: state.spec, draws, state_year: Number($("#state-year").value) || 2035 };
      const data = await api("/api/bands", body, ctl.signal);
      if (seq !== state.seq) return;
      state.bands = data;
      renderAll();
      document.body.dataset.bands = "ready";
      setStatus(`Central and 90 % bands (${fmtInt(data.draws)} draws, ${Math.round(performance.now() - t0)} ms).`);
    } catch (e) {
      if (e.name !== "AbortError") showError(e.message);
    }
  }, 250);
}

// ---- rendering ------------------------------------------------------------------------------

function renderAll() {
  syncControls();
  syncAssumptions();
  renderAnswers();
  renderCharts();
  renderStates();
}

function renderAnswers() {
  const tbody = $("#answers tbody");
  tbody.replaceChildren();
  const bands = Object.fromEntries((state.bands?.answers || []).map((a) => [a.id, a]));
  for (const a of state.central.answers) {
    const b = bands[a.id];
    tbody.append(el("tr", { "data-answer": a.id, "data-value": a.value ?? "" },
      el("th", { scope: "row", text: a.label }),
      el("td", { class: "num central", text: a.text }),
      el("td", { class: "num band", text: b ? b.text : "…" })));
  }
}

function chartFigure(c, bandChart) {
  const traces = [];
  const pal = state.meta.palette;
  c.series.forEach((s, i) => {
    const colour = pal[i % pal.length];
    const b = bandChart?.series.find((x) => x.name === s.name);
    if (b) {
      traces.push({ x: c.years, y: b.p95, mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip", legendgroup: s.name });
      traces.push({ x: c.years, y: b.p5, mode: "lines", line: { width: 0 }, fill: "tonexty", showlegend: false,
        fillcolor: colour + "33", hoverinfo: "skip", legendgroup: s.name });
      traces.push({ x: c.years, y: b.p50, mode: "lines", name: `${s.name} (median)`, line: { color: colour, width: 2.5 }, legendgroup: s.name });
    }
    traces.push({ x: c.years, y: s.central, mode: "lines", name: b ? `${s.name} (central)` : s.name,
      line: { color: colour, width: b ? 1.5 : 2.5, dash: b ? "dot" : "solid" }, legendgroup: s.name });
  });
  const source = (bandChart || c).source;
  const layout = {
    title: { text: c.title, x: 0, xanchor: "left", font: { size: 15 } },
    yaxis: { title: { text: c.unit }, gridcolor: "#e8e8e8", automargin: true },
    xaxis: { gridcolor: "#e8e8e8", automargin: true },
    paper_bgcolor: "#fff", plot_bgcolor: "#fff", height: 360,
    margin: { l: 60, r: 15, t: 45, b: 95 }, legend: { orientation: "h", y: -0.18 },
    font: { family: "system-ui, sans-serif", color: "#1f2328" }, hovermode: "x unified",
    annotations: [{ text: wrapText(source, 110), xref: "paper", yref: "paper", x: 0, y: -0.42,
      xanchor: "left", yanchor: "top", showarrow: false, align: "left", font: { size: 9, color: "#59636e" } }],
  };
  return { traces, layout };
}

function wrapText(t, width) {
  const words = t.split(" "), lines = [];
  let cur = "";
  for (const w of words) {
    if ((cur + " " + w).length > width && cur) { lines.push(cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => l.replace(/[<>&]/g, "")).join("<br>");
}

const CONFIG = { displaylogo: false, showSendToCloud: false, responsive: true, plotlyServerURL: "",
  modeBarButtonsToRemove: ["sendDataToCloud"] };

function renderCharts() {
  const host = $("#charts");
  const bandsById = Object.fromEntries((state.bands?.charts || []).map((c) => [c.id, c]));
  for (const c of state.central.charts) {
    let box = host.querySelector(`[data-chart="${c.id}"]`);
    if (!box) {
      box = el("figure", { class: "chart", "data-chart": c.id });
      const plot = el("div", { class: "plot", id: `chart-${c.id}`, role: "img", "aria-label": c.title });
      const csv = el("button", { type: "button", class: "csv", text: "CSV" });
      const png = el("button", { type: "button", class: "png", text: "PNG" });
      csv.addEventListener("click", () => downloadCsv(c.id));
      png.addEventListener("click", () => Plotly.downloadImage(plot, { format: "png", filename: `plowshare-${c.id}`, width: 900, height: 480 }));
      box.append(el("p", { class: "q", text: c.question }), plot,
        el("figcaption", {}, el("span", { class: "source" }), el("span", { class: "dl" }, csv, png)));
      host.append(box);
    }
    const b = bandsById[c.id];
    const { traces, layout } = chartFigure(c, b);
    box.querySelector(".source").textContent = (b || c).source;
    Plotly.react(box.querySelector(".plot"), traces, layout, CONFIG);
  }
}

function csvOf(id) {
  const c = state.central.charts.find((x) => x.id === id);
  const b = state.bands?.charts.find((x) => x.id === id);
  const q = (s) => `"${String(s).replace(/"/g, '""')}"`;
  const lines = [`# ${c.title} (${c.unit})`, `# ${(b || c).source}`, `# scenario: ?s=${state.central.share}`];
  lines.push(b ? "year,series,central,p5,p50,p95" : "year,series,central");
  for (const s of c.series) {
    const bs = b?.series.find((x) => x.name === s.name);
    c.years.forEach((y, i) => {
      const v = (x) => (x === null || x === undefined ? "" : String(x));
      const row = [y, q(s.name), v(s.central[i])];
      if (b) row.push(v(bs?.p5[i]), v(bs?.p50[i]), v(bs?.p95[i]));
      lines.push(row.join(","));
    });
  }
  return lines.join("\n") + "\n";
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function downloadCsv(id) { download(`plowshare-${id}.csv`, csvOf(id), "text/csv"); }

function colourOf(v, lo, hi) {
  if (v === null || v === undefined) return "#d3d3d3";
  const t = hi > lo ? (v - lo) / (hi - lo) : 0;
  const a = [222, 235, 247], b = [8, 48, 107];
  const c = a.map((x, i) => Math.round(x + (b[i] - x) * t));
  return `rgb(${c.join(",")})`;
}

function renderStates() {
  const src = state.bands?.states || state.central.states;
  const sel = $("#state-metric");
  if (!sel.options.length) {
    for (const m of src.metrics) sel.append(el("option", { value: m.id, text: `${m.label} (${m.unit})` }));
    sel.value = state.stateMetric;
  }
  const metric = src.metrics.find((m) => m.id === sel.value) || src.metrics[0];
  if (!metric) return;
  const map = $("#state-map");
  const vals = Object.values(metric.values).filter((v) => v !== null);
  const lo = Math.min(0, ...vals), hi = Math.max(...vals, 0);
  if (!map.children.length) {
    for (const code of state.meta.states) {
      const b = el("button", { type: "button", class: "tile", "data-state": code, text: code });
      placeTile(b, code);
      b.addEventListener("click", () => { state.stateSel = code; renderStates(); });
      map.append(b);
    }
  }
  for (const b of map.children) {
    const v = metric.values[b.dataset.state];
    const bg = colourOf(v, lo, hi);
    b.style.background = bg;
    const t = hi > lo && v !== null ? (v - lo) / (hi - lo) : 0;
    b.style.color = t > 0.55 ? "#fff" : "#1f2328";
    b.setAttribute("aria-pressed", b.dataset.state === state.stateSel ? "true" : "false");
    b.setAttribute("aria-label", `${state.meta.state_names[b.dataset.state]}: ${v === null ? "no data" : v.toPrecision(3)} ${metric.unit}`);
  }
  const det = $("#state-detail");
  det.replaceChildren();
  const code = state.stateSel;
  const what = state.bands ? `median of ${fmtInt(state.bands.draws)} draws` : "central path";
  det.append(el("p", { class: "hint", text: `${metric.label} in ${src.year}, ${what}. ${code ? "" : "Pick a state for its numbers."}` }));
  if (code) {
    const dl = el("dl");
    for (const m of src.metrics) {
      const v = m.values[code];
      dl.append(el("dt", { text: m.label }), el("dd", { text: v === null ? "no data" : `${v.toLocaleString("en-US", { maximumSignificantDigits: 3 })} ${m.unit}` }));
    }
    det.append(el("h3", { text: `${state.meta.state_names[code]} (${code}), ${src.year}` }), dl);
  }
}

// ---- A/B, claims, share, files ---------------------------------------------------------------

function refSpec(key) {
  if (key.startsWith("saved:")) return state.saved[key.slice(6)];
  return { base: key, levers: {}, overrides: {}, seed: state.spec.seed };
}

async function runCompare() {
  const a = refSpec($("#ab-ref").value);
  setStatus("Comparing on the same draws…");
  try {
    const data = await api("/api/compare", { a, b: state.spec, draws: state.meta.limits.band_draws_default });
    const tbody = $("#ab tbody");
    tbody.replaceChildren();
    for (const d of data.differences) {
      tbody.append(el("tr", { "data-diff": d.id }, el("th", { scope: "row", text: d.label }), el("td", { class: "num", text: d.text })));
    }
    $("#ab").hidden = false;
    setStatus(`A/B on ${fmtInt(data.draws)} common draws (seed ${data.seed}).`);
  } catch (e) { showError(e.message); }
}

async function runClaims() {
  setStatus("Evaluating the claims at 200 draws…");
  try {
    const data = await api("/api/claims", { scenario: state.spec, draws: 200 });
    const tbody = $("#claims tbody");
    tbody.replaceChildren();
    const cell = (r) => r ? `${r.verdict} (${Math.round(100 * r.share_holding)} % of draws)` : "not applicable";
    for (const c of data.claims) {
      tbody.append(el("tr", { class: c.touched ? "changed" : "", title: c.test },
        el("th", { scope: "row", text: c.title }), el("td", { text: cell(c.shipped) }),
        el("td", { text: cell(c.yours) + (c.yours ? ` — yours in place of ${c.replaces}` : "") })));
    }
    $("#claims").hidden = false;
    setStatus(`Claims at ${data.draws} draws in ${Math.round(data.timing_ms.total)} ms.`);
  } catch (e) { showError(e.message); }
}

async function downloadToml() {
  try {
    const r = await fetch("/api/scenario.toml", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(state.spec) });
    if (!r.ok) throw new Error((await r.json()).detail);
    download("lab-scenario.toml", await r.text(), "application/toml");
  } catch (e) { showError(e.message); }
}

async function uploadToml(file) {
  try {
    const text = await file.text();
    const r = await fetch("/api/upload", { method: "POST", headers: { "content-type": "text/plain" }, body: text });
    const data = await r.json();
    if (!r.ok) throw new Error(data.detail);
    state.spec = data.scenario;
    $("#preset").value = state.spec.base;
    changed();
  } catch (e) { showError(e.message); }
}

function fillPresets() {
  const sel = $("#preset"), ref = $("#ab-ref");
  ref.replaceChildren();
  for (const p of state.meta.presets) {
    if (!sel.querySelector(`option[value="${p.name}"]`)) sel.append(el("option", { value: p.name, text: p.name, title: p.question }));
    ref.append(el("option", { value: p.name, text: `preset: ${p.name}` }));
  }
  for (const name of Object.keys(state.saved)) ref.append(el("option", { value: `saved:${name}`, text: `saved: ${name}` }));
}

function showQuestion() {
  const p = state.meta.presets.find((x) => x.name === state.spec.base);
  $("#question").textContent = p ? `${p.name}: ${p.question}` : "";
}

async function init() {
  try {
    state.meta = await api("/api/meta");
  } catch (e) { showError(`cannot load the lab: ${e.message}`); return; }
  $("#note").textContent = state.meta.note;
  $("#band-draws").textContent = fmtInt(state.meta.limits.band_draws_default);
  buildControls();
  buildAssumptions();
  fillPresets();
  const code = new URLSearchParams(location.search).get("s");
  if (code) {
    try { state.spec = (await api(`/api/share/${encodeURIComponent(code)}`)).scenario; }
    catch (e) { showError(`the shared link could not be read: ${e.message}`); }
  }
  $("#preset").value = state.spec.base;
  showQuestion();
  $("#preset").addEventListener("change", (e) => {
    state.spec = { base: e.target.value, levers: {}, overrides: {}, seed: state.spec.seed };
    showQuestion();
    changed();
  });
  $("#reset").addEventListener("click", () => { state.spec.levers = {}; state.spec.overrides = {}; changed(); });
  $("#copy-link").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(location.href); setStatus("Link copied."); }
    catch { setStatus(`Link: ${location.href}`); }
  });
  $("#download-toml").addEventListener("click", downloadToml);
  $("#upload").addEventListener("change", (e) => { if (e.target.files[0]) uploadToml(e.target.files[0]); e.target.value = ""; });
  $("#state-metric").addEventListener("change", (e) => { state.stateMetric = e.target.value; renderStates(); });
  $("#state-year").addEventListener("change", changed);
  $("#ab-save").addEventListener("click", () => {
    const name = `#${Object.keys(state.saved).length + 1} (${state.spec.base})`;
    state.saved[name] = JSON.parse(JSON.stringify(state.spec));
    fillPresets();
    $("#ab-ref").value = `saved:${name}`;
    setStatus(`Saved as reference ${name}.`);
  });
  $("#ab-run").addEventListener("click", runCompare);
  $("#claims-run").addEventListener("click", runClaims);
  $("#controls").addEventListener("submit", (e) => e.preventDefault());
  $("#footer").textContent = `plowshare lab · every number from the models in this package, run on this machine · ${state.meta.note}`;
  await recomputeCentral();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", init);
