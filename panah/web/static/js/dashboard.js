/* Panah live dashboard: the server renders the tiles; this keeps them live. A WebSocket
 * (/ws/dashboard) pushes the dashboard whenever it changes; when the socket is down the
 * page asks /api/dashboard every few seconds and tries the socket again. Units are drawn on
 * the project's own boundaries (no internet tiles).
 * Persian first: Persian digits and decimal separator, every code in words.
 * window.panahDashboard exposes what happened, for people debugging and for browser tests. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var W = data.labels;
  var fa = data.lang === "fa";
  var state = { renders: 0, pushes: 0, polls: 0, socket: "closed", board: data.board,
                mapReady: false, error: null };
  window.panahDashboard = state;
  var POLL_MS = 5000;
  var RETRY_MS = 8000;
  var COLOURS = {
    available_at_post: "#2e7d32", available_on_move: "#66bb6a", dispatched: "#ef6c00",
    en_route: "#f9a825", on_scene: "#b3261e", transporting: "#7b1fa2", at_centre: "#1565c0",
    out_of_service: "#757575"
  };

  function digits(value) {
    var text = String(value);
    if (!fa) { return text; }
    return text.replace(/(\d)\.(\d)/g, "$1٫$2").replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  }
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, name) {
      return name in values ? values[name] : "{" + name + "}";
    });
  }
  function word(key) { return W[key] || key; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    });
    return node;
  }
  function number(value) { return String(Number(value.toFixed(1))); }
  function clock(iso) {
    return digits(new Date(iso).toLocaleTimeString(fa ? "fa-IR-u-nu-latn" : "en-GB",
      { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "Asia/Tehran" }));
  }
  function setText(id, text) { var node = document.getElementById(id); if (node) { node.textContent = text; } }
  function replaceList(id, items, empty) {
    var list = document.getElementById(id);
    if (!list) { return; }
    list.textContent = "";
    if (!items.length && empty) { list.appendChild(el("li", { "class": "empty", text: empty })); }
    items.forEach(function (item) { list.appendChild(item); });
  }

  // ---- the tiles ----------------------------------------------------------------------
  function figure(key, value) {
    if (value === null || value === undefined) { return [el("span", { "class": "tile-none", text: word("dashboard.no_value") })]; }
    var shown = key.slice(-4) === "_pct" ? number(value) : String(Math.floor(value));
    var parts = [digits(shown)];
    if (key.slice(-4) === "_pct") { parts.push(el("span", { "class": "tile-unit", text: fa ? "٪" : "%" })); }
    else if (key.slice(-2) === "_s") { parts.push(el("span", { "class": "tile-unit", text: " " + word("dashboard.seconds") })); }
    else if (key.slice(-4) === "_min") { parts.push(el("span", { "class": "tile-unit", text: " " + word("dashboard.minutes") })); }
    return parts;
  }
  function tile(key, t) {
    var node = document.querySelector('[data-tile="' + key + '"]');
    if (!node) { return; }
    var value = node.querySelector(".tile-value");
    var shown = t.value === null ? "" : String(t.value);
    if (value.getAttribute("data-value") !== shown) {
      value.textContent = "";
      figure(key, t.value).forEach(function (p) { value.appendChild(typeof p === "string" ? document.createTextNode(p) : p); });
      value.setAttribute("data-value", shown);
      node.classList.remove("changed"); void node.offsetWidth; node.classList.add("changed");
    }
    node.className = node.className.replace(/\blevel-\w+/, "level-" + t.level);
    node.setAttribute("data-level", t.level);
    node.querySelector(".tile-level").textContent = word("dashboard.level." + t.level);
    node.querySelector(".tile-hint").textContent = fill(word("dashboard.hint_" + t.direction),
      { amber: digits(number(t.amber)), red: digits(number(t.red)) });
  }

  // ---- the lists ------------------------------------------------------------------------
  function alerts(board) {
    var box = document.getElementById("danger-alerts");
    replaceList("danger-list", board.alerts.map(function (a) {
      return el("li", { "data-contact": a.contact_id }, [
        fill(word("dashboard.alert_one"), { id: digits(a.contact_id), seconds: digits(a.waited_s),
          channel: word("channel." + a.channel) }) + " ",
        el("a", { href: "/line/contacts/" + a.contact_id, text: word("dashboard.open_contact") })]);
    }));
    box.hidden = board.alerts.length === 0;
  }
  function queue(board) {
    replaceList("waiting-by-risk", board.waiting_by_risk.map(function (r) {
      return el("li", { "data-risk": r.risk }, [
        el("span", { "class": "risk risk-" + r.risk, text: word("risk." + r.risk) }), " ",
        el("span", { "class": "count", text: digits(r.count) })]);
    }));
    function sl(level) {
      return fill(word("dashboard.sl_line"), { within: digits(level.within_target),
        answered: digits(level.answered), offered: digits(level.offered) });
    }
    setText("sl-hour", sl(board.hour));
    setText("sl-today", sl(board.today));
    setText("abandoned-today", digits(board.today.abandoned));
    setText("callbacks", fill(word("dashboard.callbacks_line"),
      { due: digits(board.callbacks_due), overdue: digits(board.callbacks_overdue) }));
    setText("overflow", fill(word("dashboard.overflow_line"),
      { came: digits(board.overflow_in), went: digits(board.overflow_out) }));
  }
  function counsellors(board) {
    ["on_contact", "available", "away"].forEach(function (p) {
      var node = document.querySelector('[data-presence="' + p + '"] strong');
      if (node) { node.textContent = digits(board.counsellors_by_presence[p] || 0); }
    });
    replaceList("counsellor-list", board.counsellors.map(function (c) {
      var doing = c.contact_id ? fill(word("dashboard.on_contact"),
        { id: digits(c.contact_id), channel: word("channel." + c.channel) }) : word("dashboard.free_counsellor");
      return el("li", { "data-user": c.user_id }, [
        el("span", { "class": "presence-dot presence-" + c.presence, "aria-hidden": "true" }),
        " " + c.full_name + " ", el("span", { "class": "muted", text: "— " + doing })]);
    }), word("dashboard.no_counsellors"));
  }
  function incidents(board) {
    setText("incident-count", digits(board.incidents.length));
    replaceList("incident-list", board.incidents.map(function (i) {
      var area = fa ? i.area_fa : i.area_en;
      return el("li", { "data-incident": i.id }, [
        el("span", { "class": "badge priority-" + i.priority, text: word("priority." + i.priority) }), " ",
        el("a", { href: "/dispatch/incidents/" + i.id, text: fill(word("dashboard.incident_no"), { id: digits(i.id) }) }), " ",
        el("span", { "class": "muted", text: (area ? area + " — " : "") +
          fill(word("dashboard.incident_age"), { minutes: digits(i.age_min) }) })]);
    }), word("dashboard.no_incidents"));
  }
  function support(board) {
    setText("shelter-beds", fill(word("dashboard.beds_line"), { free: digits(board.shelters.free),
      beds: digits(board.shelters.beds), shelters: digits(board.shelters.shelters) }));
    setText("referrals", fill(word("dashboard.referrals_line"),
      { awaiting: digits(board.referrals_awaiting), overdue: digits(board.referrals_overdue) }));
    setText("cases-flagged", fill(word("dashboard.flags_line"),
      { flagged: digits(board.cases_flagged), escalated: digits(board.cases_escalated) }));
    replaceList("units-by-status", board.units_by_status.map(function (s) {
      return el("li", { "data-status": s.status }, [
        el("span", { "class": "dot dot-unit-" + s.status }), (fa ? s.label_fa : s.label_en) + ": ",
        el("strong", { text: digits(s.count) })]);
    }), word("dashboard.no_units"));
  }

  // ---- the map --------------------------------------------------------------------------
  var map = null, unitLayer = null, outline = null;
  function drawUnits(board) {
    if (!map) { return; }
    unitLayer.clearLayers();
    board.units.forEach(function (u) {
      if (u.lat === null || u.lon === null) { return; }
      var label = u.call_sign + " — " + (fa ? u.status_fa : u.status_en) +
        (u.incident_id ? " — " + fill(word("dashboard.unit_on"), { id: digits(u.incident_id) }) : "");
      L.circleMarker([u.lat, u.lon], { radius: 7, color: "#fff", weight: 2,
        fillColor: COLOURS[u.status] || "#333", fillOpacity: 1 }).bindTooltip(label).addTo(unitLayer);
    });
  }
  function fit() {
    var target = outline && outline.getLayers().length ? outline : unitLayer;
    var bounds = target.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], animate: false }); }
  }
  function startMap() {
    var box = document.getElementById("dashboard-map");
    if (!box || !window.L) { return; }
    map = L.map(box, { zoomSnap: 0.25, attributionControl: false, minZoom: 4, maxZoom: 14 });
    if (window.panahTiles) { window.panahTiles(map); }
    map.setView([32.5, 54.0], 5);
    outline = L.featureGroup().addTo(map);
    unitLayer = L.featureGroup().addTo(map);
    var url = data.province ? "/api/geo/counties.geojson?province=" + encodeURIComponent(data.province)
      : "/api/geo/provinces.geojson";
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(url + " " + r.status); } return r.json(); })
      .then(function (geojson) {
        L.geoJSON(geojson, { style: function () {
          return { color: "#5d6b7a", weight: 1, fillColor: "#fbf8f1", fillOpacity: 1 }; },
          pointToLayer: function (_f, latlng) { return L.circleMarker(latlng, { radius: 3, color: "#5d6b7a" }); }
        }).addTo(outline);
      })
      .catch(function (e) { state.error = String(e); })
      .then(function () { drawUnits(state.board); unitLayer.bringToFront(); fit(); state.mapReady = true; });
  }

  // ---- live ------------------------------------------------------------------------------
  function render(board) {
    state.board = board;
    Object.keys(board.tiles).forEach(function (key) { tile(key, board.tiles[key]); });
    alerts(board); queue(board); counsellors(board); incidents(board); support(board);
    drawUnits(board);
    var live = document.getElementById("dashboard-live");
    live.setAttribute("data-state", state.socket === "open" ? "live" : "polling");
    live.textContent = fill(word(state.socket === "open" ? "dashboard.live" : "dashboard.reconnecting"),
      { at: clock(board.at) });
    state.renders += 1;
  }

  var poller = null, socket = null;
  var query = data.province ? "?province=" + encodeURIComponent(data.province) : "";
  function poll() {
    fetch("/api/dashboard" + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("dashboard " + r.status); } return r.json(); })
      .then(function (board) { state.polls += 1; render(board); })
      .catch(function (e) { state.error = String(e); });
  }
  function polling(on) {
    if (on && !poller) { poller = setInterval(poll, POLL_MS); poll(); }
    if (!on && poller) { clearInterval(poller); poller = null; }
  }
  function connect() {
    if (!window.WebSocket || socket) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/dashboard" + query);
    } catch (e) { socket = null; polling(true); setTimeout(connect, RETRY_MS); return; }
    socket.onopen = function () { state.socket = "open"; polling(false); };
    socket.onmessage = function (event) { state.pushes += 1; render(JSON.parse(event.data)); };
    socket.onclose = function () {
      socket = null; state.socket = "closed";
      polling(true);
      setTimeout(connect, RETRY_MS);
    };
  }

  var picker = document.querySelector("[data-autosubmit]");
  if (picker) { picker.addEventListener("change", function () { picker.form.submit(); }); }
  startMap();
  connect();
})();
