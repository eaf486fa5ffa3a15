/* Panah statistics page: the filter form's small helps, and the charts of one table —
 * the chosen figure over time (a line per group), bars by the split, and a county map.
 * Data comes from the page (<script type="application/json" id="stats-chart-data">) and,
 * for the map, from the project's own boundaries and the statistics API: no inline
 * scripts, no internet. window.panahStats says what was drawn, for people debugging and
 * for the browser tests. */
(function () {
  "use strict";

  var state = { line: 0, bars: 0, map: null, counties: 0, coloured: 0, ready: false, error: null };
  window.panahStats = state;

  // ---- the form: a choice in a list shows its table at once --------------------------
  var form = document.getElementById("stats-filters");
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-autosubmit]"), function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
    var province = document.getElementById("stats-province");
    var county = document.getElementById("stats-county");
    if (province && county) {
      province.addEventListener("change", function () {
        county.value = "";  // the counties listed are the old province's
        form.submit();
      });
    }
  }

  var holder = document.getElementById("stats-chart-data");
  if (!holder) { state.ready = true; return; }
  var data = JSON.parse(holder.textContent);
  var labels = data.labels || {};
  var fa = data.lang === "fa";
  var unit = data.figure.unit;
  var numbers = new Intl.NumberFormat(fa ? "fa-IR" : "en-GB",
    { maximumFractionDigits: unit === "number" ? 0 : 1 });
  var PALETTE = ["#0f5e6e", "#ef6c00", "#7b1fa2", "#2e7d32", "#b3261e", "#1565c0", "#8d6e63", "#00838f"];
  var SCALE = ["#e3f2f1", "#a9dad5", "#5fb3b3", "#2a8595", "#0a4450"];
  var NO_VALUE = "#e6e8eb";

  function format(value) {
    if (value === null || value === undefined) { return labels.no_data || "—"; }
    var text = numbers.format(value);
    return unit === "pct" ? text + (fa ? "٪" : "%") : text;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // ---- charts (Chart.js) ---------------------------------------------------------------
  function axes(horizontal, namedBars) {
    var values = {
      beginAtZero: true,
      position: horizontal ? "bottom" : (fa ? "right" : "left"),
      reverse: Boolean(horizontal && fa),
      ticks: { callback: function (v) { return numbers.format(v); } },
      suggestedMax: unit === "pct" ? 100 : undefined
    };
    var labelsAxis = {
      position: horizontal ? (fa ? "right" : "left") : "bottom",
      reverse: Boolean(!horizontal && fa),  // time runs the way the page reads
      // Periods may skip labels; groups (bars) each keep their name.
      ticks: { autoSkip: !horizontal && !namedBars, autoSkipPadding: 12,
               maxRotation: namedBars && !horizontal ? 40 : 0 }
    };
    return horizontal ? { x: values, y: labelsAxis } : { x: labelsAxis, y: values };
  }

  function options(horizontal, legend, namedBars) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,  // final (and a screenshot true) as soon as drawn
      indexAxis: horizontal ? "y" : "x",
      layout: { padding: { left: 18, right: 18 } },  // room for the end labels
      locale: fa ? "fa-IR" : "en-GB",
      scales: axes(horizontal, namedBars),
      plugins: {
        legend: { display: legend, rtl: fa, position: "bottom",
                  textDirection: fa ? "rtl" : "ltr" },
        tooltip: {
          rtl: fa, textDirection: fa ? "rtl" : "ltr",
          callbacks: {
            label: function (ctx) {
              var value = horizontal ? ctx.parsed.x : ctx.parsed.y;
              return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + format(value);
            }
          }
        }
      }
    };
  }

  function lineChart() {
    var canvas = document.getElementById("stats-line");
    if (!canvas || !window.Chart) { return; }
    var datasets = data.series.map(function (s, i) {
      var colour = PALETTE[i % PALETTE.length];
      return { label: s.label, data: s.values, borderColor: colour, backgroundColor: colour,
               pointRadius: data.periods.length > 60 ? 0 : 3, borderWidth: 2, tension: 0.2,
               spanGaps: !data.suppressed_below };  // a hidden cell is a gap, not a line
    });
    new Chart(canvas, { type: "line", data: { labels: data.periods, datasets: datasets },
                        options: options(false, datasets.length > 1) });
    state.line = datasets.length;
  }

  var BARS_LIMIT = 25;  // the largest groups; the table has every one

  function drawBars(names, values, sorted) {
    var canvas = document.getElementById("stats-bars");
    var horizontal = sorted && names.length > 8;
    if (sorted) {  // the largest first
      var order = names.map(function (_n, i) { return i; })
        .sort(function (a, b) { return (values[b] || 0) - (values[a] || 0); })
        .slice(0, BARS_LIMIT);
      names = order.map(function (i) { return names[i]; });
      values = order.map(function (i) { return values[i]; });
    }
    if (horizontal) {  // a long list: room for each name
      canvas.parentNode.style.height = Math.max(260, names.length * 22 + 60) + "px";
    }
    new Chart(canvas, {
      type: "bar",
      data: { labels: names, datasets: [{ label: data.figure.name, data: values,
                                          backgroundColor: PALETTE[0], borderRadius: 3 }] },
      options: options(horizontal, false, sorted)
    });
    state.bars = names.length;
  }

  function barChart() {
    var canvas = document.getElementById("stats-bars");
    if (!canvas || !window.Chart) { return Promise.resolve(); }
    if (data.bars && data.bars.length) {
      drawBars(data.bars.map(function (b) { return b.label; }),
               data.bars.map(function (b) { return b.value; }), true);
      return Promise.resolve();
    }
    if (data.bars_source) {
      return fetchOnce(data.bars_source).then(function (table) {
        var groups = (table.group_totals || []).filter(function (r) { return r.group; });
        drawBars(groups.map(function (r) { return fa ? r.group_fa : r.group_en; }),
                 groups.map(function (r) { return r.values[data.figure.key]; }), true);
      });
    }
    drawBars(data.periods, data.series[0] ? data.series[0].values : [], false);
    return Promise.resolve();
  }

  // ---- the county map (Leaflet, the project's own boundaries) ---------------------------
  var fetched = {};

  function fetchOnce(url) {  // the map and the bars may read the same table
    if (!fetched[url]) { fetched[url] = fetchJson(url); }
    return fetched[url];
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(url + " answered " + response.status); }
        return response.json();
      });
  }

  function status(text) {
    var el = document.getElementById("stats-map-status");
    if (el) { el.textContent = text; }
  }

  function countyValues(table) {
    var out = {};
    (table.group_totals || []).forEach(function (row) {
      if (row.group) { out[row.group] = row.values[data.figure.key]; }
    });
    return out;
  }

  function breaks(values) {
    var known = values.filter(function (v) { return v !== null && v !== undefined; })
      .sort(function (a, b) { return a - b; });
    if (!known.length) { return null; }
    var low = known[0], high = known[known.length - 1];
    if (high === low) { return [low]; }
    var step = (high - low) / SCALE.length;
    return SCALE.map(function (_c, i) { return low + step * i; });
  }

  function colourOf(value, edges) {
    if (value === null || value === undefined || !edges) { return NO_VALUE; }
    var i = edges.length - 1;
    while (i > 0 && value < edges[i]) { i -= 1; }
    return SCALE[edges.length === 1 ? SCALE.length - 1 : i];
  }

  function legend(edges) {
    var list = document.getElementById("stats-legend");
    if (!list) { return; }
    list.innerHTML = "";
    function item(colour, text) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(text));
      list.appendChild(li);
    }
    if (edges) {
      edges.forEach(function (edge, i) {
        var next = edges[i + 1];
        item(SCALE[edges.length === 1 ? SCALE.length - 1 : i],
             next === undefined ? "≥ " + format(edge) : format(edge) + " – " + format(next));
      });
    }
    item(NO_VALUE, data.suppressed_below ? labels.suppressed : labels.map_legend_none);
  }

  function drawMap(geojson, values) {
    var box = document.getElementById("stats-map");
    if (geojson.approximate || !geojson.features.some(function (f) {
      return f.geometry && /Polygon/.test(f.geometry.type); })) {
      box.hidden = true;
      document.getElementById("stats-legend").hidden = true;
      state.map = "no-boundaries";
      status(labels.map_no_boundaries);
      return;
    }
    var map = L.map(box, { zoomSnap: 0.25, attributionControl: false, minZoom: 4, maxZoom: 12,
                           scrollWheelZoom: false });
    if (window.panahTiles) { window.panahTiles(map); }
    var edges = breaks(Object.keys(values).map(function (k) { return values[k]; }));
    var layer = L.geoJSON(geojson, {
      filter: function (f) { return f.geometry && /Polygon/.test(f.geometry.type); },
      style: function (f) {
        var value = values[f.properties.key];
        if (value !== null && value !== undefined) { state.coloured += 1; }
        return { color: "#ffffff", weight: 1, fillColor: colourOf(value, edges), fillOpacity: 0.9 };
      },
      onEachFeature: function (f, shape) {
        var p = f.properties;
        var name = (fa ? p.name_fa : p.name_en) || p.name_en;
        var value = values[p.key];
        var text = value === null && data.suppressed_below ? labels.suppressed : format(value);
        shape.bindTooltip('<strong dir="auto">' + escapeHtml(name) + "</strong><br>" +
          escapeHtml(data.figure.name) + ": " + escapeHtml(text), { sticky: true });
      }
    }).addTo(map);
    state.counties = layer.getLayers().length;
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8], animate: false }); }
    legend(edges);
    state.map = "drawn";
    status(Object.keys(values).length ? labels.map_ready : labels.map_no_values);
  }

  function countyMap() {
    if (!data.county_map || !document.getElementById("stats-map")) { return Promise.resolve(); }
    if (!window.L) { status(labels.map_failed); return Promise.resolve(); }
    var boundaries = "/api/geo/counties.geojson" +
      (data.province ? "?province=" + encodeURIComponent(data.province) : "");
    return Promise.all([fetchJson(boundaries), fetchOnce(data.map_source)])
      .then(function (results) { drawMap(results[0], countyValues(results[1])); })
      .catch(function (error) { state.error = String(error); state.map = "failed"; status(labels.map_failed); });
  }

  var drawing = [];
  if (window.Chart) {
    Chart.defaults.font.family = "Vazirmatn, Tahoma, sans-serif";
    Chart.defaults.color = "#1d2733";
    lineChart();
    drawing.push(barChart().catch(function (error) { state.error = String(error); }));
  }
  drawing.push(countyMap());
  Promise.all(drawing).then(function () { state.ready = true; });
})();
