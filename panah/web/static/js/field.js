// The crew's field app. Every change goes first into the phone's outbox (IndexedDB
// "panah-field", store "outbox", key = the order it was made) and the page shows it at
// once, marked as waiting; flush() then sends the outbox strictly in order, one change at
// a time, whenever the network is there. The server accepts a change sent twice (its
// client_id) and says 409 when one was overtaken or is impossible: that one is dropped
// and the crew told. Times are stamped on the server's clock, not the phone's.
(function () {
  "use strict";

  var bootNode = document.getElementById("field-boot");
  if (!bootNode) return;
  var boot = JSON.parse(bootNode.textContent);
  var S = boot.strings;
  var UNIT = boot.unit_id;
  var FA = boot.lang === "fa";
  var MINUTE = 60 * 1000;
  var POLL_MS = 5000;
  var TAP_GUARD_MS = 600; // a second tap lands on the next status's button otherwise
  var POSITION_EVERY_MS = MINUTE;
  var FREE = ["available_at_post", "available_on_move", "out_of_service"];
  var FLOW = ["en_route", "on_scene", "transporting", "at_centre",
              "available_at_post", "available_on_move", "out_of_service"];
  var STAMP_KEY = "panah-field-last-stamp";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  var state = {
    assignment: boot.assignment, // the server's last word
    offset: Date.parse(boot.assignment.server_now) - Date.now(),
    pending: [], // the outbox, oldest first
    failed: [],
    reported: {}, // incident id → true once its report is queued or sent
    sync: "online",
    checkedAt: 0,
    guardUntil: 0,
    fix: null,
    lastPositionAt: 0,
  };
  var api = { synced: 0, lastError: null };

  // ---- small helpers -------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function digits(value) {
    var text = String(value);
    if (!FA) return text;
    return text.replace(/(\d)\.(\d)/g, "$1٫$2") // the Persian decimal separator: ۱٫۹
      .replace(/\d/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹".charAt(+d); });
  }

  function latinDigits(text) {
    return String(text).replace(/[۰-۹]/g, function (d) { return String(d.charCodeAt(0) - 0x06F0); })
      .replace(/[٠-٩]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); });
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) {
      return name in values ? values[name] : "{" + name + "}";
    });
  }

  function clientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function serverNow() { return Date.now() + state.offset; }

  // A change's time on the server's clock, never before the previous change's: the server
  // keeps a status older than the unit's last change as history only.
  function stamp() {
    var now = serverNow();
    var last = Number(localStorage.getItem(STAMP_KEY)) || 0;
    if (last > now + MINUTE) last = 0; // a stamp from another server or a clock that jumped
    var at = Math.max(now, last + 1);
    localStorage.setItem(STAMP_KEY, String(at));
    return new Date(at).toISOString();
  }

  function clock(ms) {
    var total = Math.max(0, Math.round(ms / 1000));
    var m = Math.floor(total / 60), s = total % 60;
    return digits((m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s);
  }

  function km(a, b) {
    var rad = Math.PI / 180, dLat = (b[0] - a[0]) * rad, dLon = (b[1] - a[1]) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 12742 * Math.asin(Math.sqrt(h));
  }

  // ---- IndexedDB ------------------------------------------------------------------------

  var dbReady = new Promise(function (resolve, reject) {
    var request = indexedDB.open("panah-field", 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      db.createObjectStore("failed", { keyPath: "seq", autoIncrement: true });
      db.createObjectStore("state"); // the last assignment per unit, for an offline reload
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(name, mode, work) {
    return dbReady.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var request = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all(name) { return store(name, "readonly", function (s) { return s.getAll(); }); }
  function add(name, value) { return store(name, "readwrite", function (s) { return s.add(value); }); }
  function put(name, value) { return store(name, "readwrite", function (s) { return s.put(value); }); }
  function remove(name, key) { return store(name, "readwrite", function (s) { return s.delete(key); }); }
  function count(name) { return store(name, "readonly", function (s) { return s.count(); }); }

  function saveState() {
    var saved = { assignment: state.assignment, offset: state.offset, reported: state.reported };
    return store("state", "readwrite", function (s) { return s.put(saved, UNIT); })
      .catch(function () {});
  }

  function loadState() {
    return store("state", "readonly", function (s) { return s.get(UNIT); }).then(function (saved) {
      if (!saved) return;
      state.reported = saved.reported || {};
      // The page may come from the service worker's cache: a newer saved copy wins.
      if (Date.parse(saved.assignment.server_now) > Date.parse(state.assignment.server_now)) {
        state.assignment = saved.assignment;
        state.offset = saved.offset;
      }
    });
  }

  function reloadQueue() {
    return Promise.all([all("outbox"), all("failed")]).then(function (lists) {
      state.pending = lists[0];
      state.failed = lists[1];
      render();
    });
  }

  // ---- what the page shows: the server's state with the waiting changes on top ----------

  function view() {
    var a = state.assignment;
    var v = { status: a.unit.status, pending: false, incident: a.incident,
              dueAt: a.unit.check_in_due_at ? Date.parse(a.unit.check_in_due_at) : null };
    state.pending.forEach(function (item) {
      if (item.unit_id !== UNIT) return;
      if (item.kind === "status") {
        v.status = item.body.status;
        v.pending = true;
        v.dueAt = v.status === "on_scene"
          ? Date.parse(item.body.at) + a.safety_check_minutes * MINUTE : null;
      } else if (item.kind === "check_in" && v.status === "on_scene") {
        v.dueAt = Date.parse(item.body.at) + a.safety_check_minutes * MINUTE;
      }
    });
    if (v.pending && FREE.indexOf(v.status) >= 0) v.incident = null; // cleared on the phone
    v.allowed = (boot.transitions[v.status] || []).filter(function (s) { return s !== "dispatched"; });
    v.allowed.sort(function (x, y) { return FLOW.indexOf(x) - FLOW.indexOf(y); });
    return v;
  }

  function render() {
    var v = view();
    renderStatus(v);
    renderIncident(v);
    renderButtons(v);
    renderSafety(v);
    renderReport(v);
    renderSync();
  }

  function renderStatus(v) {
    var node = $("field-status");
    node.dataset.status = v.status;
    node.dataset.pending = String(v.pending);
    $("field-status-label").textContent = boot.status_labels[v.status] || v.status;
    $("field-status-pending").hidden = !v.pending;
  }

  function renderIncident(v) {
    var incident = v.incident;
    $("field-incident").hidden = !incident;
    $("field-no-assignment").hidden = !!incident;
    if (!incident) return;
    $("field-incident").dataset.incidentId = incident.id;
    $("field-incident-id").textContent = digits(incident.id);
    var priority = $("field-priority");
    priority.dataset.priority = incident.priority;
    priority.textContent = (boot.priority_labels[incident.priority] || incident.priority);
    var list = $("field-cautions");
    list.textContent = "";
    incident.cautions.forEach(function (code) {
      var item = document.createElement("li");
      item.className = "field-caution";
      item.dataset.caution = code;
      item.textContent = boot.caution_labels[code] || code;
      list.appendChild(item);
    });
    if (!incident.cautions.length) {
      var none = document.createElement("li");
      none.className = "field-caution-none";
      none.textContent = S.no_cautions;
      list.appendChild(none);
    }
    renderContext(incident);
    var area = (FA ? incident.area_fa : incident.area_en) || "";
    $("field-place").textContent = incident.place || area ||
      digits(incident.lat.toFixed(4)) + "، " + digits(incident.lon.toFixed(4));
    $("field-area").textContent = incident.place ? area : "";
    $("field-note").textContent = incident.note || "";
    $("field-note").hidden = $("field-note-title").hidden = !incident.note;
    $("field-geo").href = "geo:" + incident.lat + "," + incident.lon + "?q=" + incident.lat + "," + incident.lon;
    drawMap(incident);
  }

  // Why the crew is going: what it is about, who called, whether a woman worker is
  // wanted, and the counsellor's summary (each line hidden when there is nothing to say).
  function renderContext(incident) {
    var about = (FA ? incident.categories_fa : incident.categories_en) || [];
    $("field-about").textContent = about.join(FA ? "، " : ", ");
    $("field-about").hidden = $("field-about-title").hidden = !about.length;
    var caller = incident.caller_kind ? (boot.caller_labels[incident.caller_kind] || incident.caller_kind) : "";
    $("field-caller").textContent = caller;
    $("field-caller").hidden = $("field-caller-title").hidden = !caller;
    $("field-woman").hidden = $("field-woman-title").hidden = !incident.prefer_woman;
    $("field-summary").textContent = incident.summary || "";
    $("field-summary-box").hidden = !incident.summary;
    $("field-context").hidden = !about.length && !caller && !incident.prefer_woman;
  }

  function renderButtons(v) {
    var box = $("field-status-buttons");
    var wanted = v.allowed.join(",");
    var guarded = Date.now() < state.guardUntil;
    if (box.dataset.shown === wanted) return;
    box.dataset.shown = wanted;
    box.textContent = "";
    v.allowed.forEach(function (status) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button field-big field-status-button" +
        (FREE.indexOf(status) >= 0 ? " field-status-free" : "");
      button.dataset.status = status;
      button.dataset.testid = "status-" + status;
      button.textContent = boot.status_labels[status] || status;
      button.disabled = guarded;
      box.appendChild(button);
    });
  }

  function renderSafety(v) {
    var section = $("field-safety");
    section.hidden = v.status !== "on_scene" || !v.dueAt;
    if (section.hidden) return;
    var left = v.dueAt - serverNow();
    var overdue = left <= 0;
    section.dataset.overdue = String(overdue);
    section.dataset.dueAt = new Date(v.dueAt).toISOString();
    $("field-safety-timer").textContent = clock(left);
    $("field-safety-caption").hidden = overdue;
    $("field-safety-overdue").hidden = !overdue;
  }

  function renderReport(v) {
    var incident = v.incident;
    $("field-report").hidden = !incident;
    if (!incident) return;
    var done = !!state.reported[incident.id];
    $("field-report-form").hidden = done;
    $("field-report-done").hidden = !done;
  }

  function renderSync() {
    var waiting = state.pending.length;
    var node = $("field-sync-state");
    var shown = state.sync;
    if (shown === "online" && waiting) shown = "waiting";
    node.dataset.state = shown;
    node.textContent = {
      online: api.synced ? S["sync.all_sent"] : S["sync.online"], waiting: S["sync.online"], syncing: S["sync.syncing"],
      offline: S["sync.offline"], error: S["sync.server_error"], signin: S["sync.signin"],
    }[shown];
    $("field-sync").dataset.state = shown;
    $("field-signin").hidden = state.sync !== "signin";
    var countNode = $("field-queue-count");
    countNode.dataset.count = String(waiting);
    countNode.textContent = digits(waiting);
    $("field-queue-text").textContent = fill(S["sync.waiting"], { count: "" }).trim();
    $("field-queue").hidden = !waiting;
    var failed = $("field-failed");
    failed.hidden = !state.failed.length;
    var list = $("field-failed-list");
    list.textContent = "";
    state.failed.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = describe(item) + ": " + (item.error || S["sync.refused"]);
      list.appendChild(li);
    });
  }

  function describe(item) {
    if (item.label) return item.label; // a change queued by another part of the page
    if (item.kind === "status") {
      return fill(S.queued_status, { label: boot.status_labels[item.body.status] || item.body.status });
    }
    return S["queued_" + item.kind] || item.kind;
  }

  function notify(text, kind) {
    var li = document.createElement("li");
    li.className = "alert " + (kind === "ok" ? "alert-warn" : "alert-error");
    li.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "button button-quiet";
    close.textContent = S["sync.dismiss"];
    close.addEventListener("click", function () { li.remove(); });
    li.appendChild(close);
    $("field-notices").appendChild(li);
    if (kind === "ok") setTimeout(function () { li.remove(); }, 4000);
  }

  // ---- the map: the scene and the unit as points (no tiles: the app works offline) -------

  var map = null, layers = null, drawn = "", outlinesAsked = false;

  function drawMap(incident) {
    if (!window.L) return;
    var scene = [incident.lat, incident.lon];
    var unit = unitPoint();
    var key = [incident.id, scene, unit, incident.radius_m].join("|");
    if (key === drawn) return; // redrawing would undo the crew's own zoom
    drawn = key;
    if (!map) {
      // Zoom buttons at the bottom: the sticky sync bar can cover the map's top edge.
      map = L.map($("field-map"), { zoomSnap: 0.5, attributionControl: false, minZoom: 5, maxZoom: 17,
                                   zoomControl: false });
      L.control.zoom({ position: "bottomright" }).addTo(map);
      layers = L.layerGroup().addTo(map);
      L.control.scale({ imperial: false }).addTo(map);
      if (window.panahTiles) window.panahTiles(map);
    }
    layers.clearLayers();
    var points = [scene];
    if (incident.radius_m) {
      L.circle(scene, { radius: incident.radius_m, color: "#b3261e", weight: 1, fillOpacity: 0.08,
                        interactive: false }).addTo(layers);
    }
    L.circleMarker(scene, { radius: 11, color: "#fff", weight: 3, fillColor: "#b3261e", fillOpacity: 1,
                            className: "field-point-incident" })
      .bindTooltip(S["map.incident"]).addTo(layers);
    var from = unit || (boot.post ? [boot.post.lat, boot.post.lon] : null);
    if (unit) {
      L.circleMarker(unit, { radius: 9, color: "#fff", weight: 3, fillColor: "#0f5e6e", fillOpacity: 1,
                             className: "field-point-unit" })
        .bindTooltip(S["map.unit"]).addTo(layers);
    } else if (from) {
      L.circleMarker(from, { radius: 8, color: "#0f5e6e", weight: 3, fillColor: "#fff", fillOpacity: 1,
                             className: "field-point-post" })
        .bindTooltip(S[boot.post.home ? "map.home" : "map.post"] +
                     (boot.post.name ? " — " + boot.post.name : "")).addTo(layers);
    }
    if (from) {
      points.push(from);
      $("field-distance").textContent = fill(S.distance, { km: digits(km(from, scene).toFixed(1)) });
    } else {
      $("field-distance").textContent = "";
    }
    map.invalidateSize();
    if (points.length > 1) map.fitBounds(points, { padding: [28, 28], maxZoom: 15 });
    else map.setView(scene, 14);
    outlines();
  }

  function unitPoint() {
    if (state.fix) return [state.fix.lat, state.fix.lon];
    var u = state.assignment.unit;
    // No fix has come from the unit: the server shows its post, drawn as the post below.
    return u.lat != null && u.lon != null && u.position_at ? [u.lat, u.lon] : null;
  }

  // The counties of the province under the points, when the network can give them.
  function outlines() {
    var province = state.assignment.unit.province_code;
    if (outlinesAsked || !province || !navigator.onLine) return;
    outlinesAsked = true;
    fetch("/api/geo/counties.geojson?province=" + encodeURIComponent(province),
          { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geojson) {
        if (!geojson || !map) return;
        var layer = L.geoJSON(geojson, {
          style: { color: "#8a97a6", weight: 1, fillColor: "#fbf8f1", fillOpacity: 1 },
          interactive: false,
          filter: function (f) { return f.geometry && f.geometry.type !== "Point"; },
        });
        if (!layer.getLayers().length) return; // no outlines imported: points only
        layer.addTo(map).bringToBack();
        $("field-map").classList.add("field-map-land"); // outside the land is the sea
      })
      .catch(function () { outlinesAsked = false; });
  }

  // ---- changes: into the outbox, then sent in order ----------------------------------------

  function enqueue(kind, path, body) {
    var item = { kind: kind, unit_id: UNIT, url: "/api/units/" + UNIT + path, body: body,
                 made_at: body.at || body.written_at };
    return add("outbox", item).then(reloadQueue).then(function () {
      if (navigator.onLine) flush();
    });
  }

  // The team channels (team_channels.js) queue a text to the team here: it waits with the
  // crew's changes and is sent in the same order.
  function enqueueOther(kind, url, body, label) {
    if (String(url).indexOf("/api/") !== 0) return Promise.reject(new Error("not an API path"));
    return add("outbox", { kind: kind, unit_id: UNIT, url: url, body: body, label: label || kind })
      .then(reloadQueue).then(function () {
        if (navigator.onLine) flush();
      });
  }

  function changeStatus(status) {
    var body = { status: status, at: stamp(), client_id: clientId() };
    if (state.fix && serverNow() - state.fix.taken < 2 * MINUTE) {
      body.lat = state.fix.lat;
      body.lon = state.fix.lon;
    }
    return enqueue("status", "/status", body);
  }

  function checkIn() {
    state.checkedAt = Date.now();
    return enqueue("check_in", "/check-in", { at: stamp() }).then(function () {
      notify(S["safety.checked"], "ok");
    });
  }

  function sendReport(event) {
    event.preventDefault();
    var incident = view().incident;
    var text = $("field-text").value.trim();
    var error = $("field-report-error");
    error.hidden = !!text;
    error.textContent = text ? "" : S["report.missing_text"];
    if (!incident || !text) return;
    var number = function (id) {
      var n = parseInt(latinDigits($(id).value), 10);
      return isNaN(n) || n < 0 ? 0 : Math.min(n, 1000);
    };
    var body = {
      incident_id: incident.id, client_id: clientId(), written_at: stamp(),
      outcome: $("field-outcome").value, text: text,
      people_seen: number("field-people"), children_seen: number("field-children"),
    };
    state.reported[incident.id] = true;
    saveState();
    $("field-report-form").reset();
    enqueue("report", "/reports", body);
  }

  var flushing = null;

  // Sends the outbox in order, one change at a time; stops at the first change the network
  // or the server could not take now, to try again later.
  function flush() {
    if (flushing) return flushing;
    var run = function () { return drain(); };
    var job = navigator.locks ? navigator.locks.request("panah-field-flush", run) : run();
    flushing = job.then(finish, function (error) {
      api.lastError = String(error);
      return finish();
    });
    return flushing;
  }

  function finish() {
    flushing = null;
    return reloadQueue().then(function () {
      if (!state.pending.length && state.sync !== "signin") return refresh();
    });
  }

  async function drain() {
    if (state.sync === "signin") return;
    for (;;) {
      var items = await all("outbox");
      if (!items.length) {
        if (state.sync === "syncing" || state.sync === "error") state.sync = "online";
        return;
      }
      var item = items[0];
      state.sync = "syncing";
      renderSync();
      var response;
      try {
        response = await fetch(item.url, {
          method: "POST", credentials: "same-origin", cache: "no-store",
          headers: { "Content-Type": "application/json", Accept: "application/json",
                     "X-CSRF-Token": csrf },
          body: JSON.stringify(item.body),
        });
      } catch (error) {
        api.lastError = "network";
        state.sync = "offline";
        return;
      }
      if (!(await settle(item, response))) return;
      state.pending = state.pending.filter(function (x) { return x.seq !== item.seq; });
      render();
    }
  }

  // What the server said about one change; false means stop sending for now.
  async function settle(item, response) {
    var data = await response.json().catch(function () { return {}; });
    var message = (FA ? data.message_fa : data.message) || data.message || "";
    var reason = (data.details || {}).reason;
    if (response.ok) {
      learn(item, data);
      await remove("outbox", item.seq);
      api.synced += 1;
      return true;
    }
    if (response.status === 409) { // overtaken (kept as history) or impossible: drop it
      api.lastError = message;
      notify(describe(item) + ": " + (reason === "stale" ? S["sync.overtaken"] : message));
      await remove("outbox", item.seq);
      return true;
    }
    if (response.status === 401 || (response.status === 403 && reason === "csrf")) {
      api.lastError = message || "sign in";
      state.sync = "signin";
      return false;
    }
    // Any other refusal (403: this unit is no longer the user's) would block the queue for
    // good: it goes to the list the crew sees, and the rest is sent.
    if (response.status >= 400 && response.status < 500 && response.status !== 408 &&
        response.status !== 429) {
      api.lastError = message;
      item.error = message || String(response.status);
      item.status = response.status;
      await put("failed", item); // put: sending again after a crash must not stick here
      await remove("outbox", item.seq);
      return true;
    }
    api.lastError = "server " + response.status;
    state.sync = "error";
    return false;
  }

  // What a change that went through tells about the unit, so the screen does not step
  // back until the next refresh.
  function learn(item, data) {
    var unit = state.assignment.unit;
    if (item.kind === "status" && data.unit_status) {
      unit.status = data.unit_status;
      unit.status_since = data.event ? data.event.at : unit.status_since;
      if (unit.status === "on_scene") {
        unit.check_in_due_at = new Date(Date.parse(item.body.at) +
          state.assignment.safety_check_minutes * MINUTE).toISOString();
      } else {
        unit.check_in_due_at = null;
      }
      if (FREE.indexOf(unit.status) >= 0) state.assignment.incident = null;
      state.assignment.allowed_next = boot.transitions[unit.status] || [];
    } else if (item.kind === "check_in" && data.next_due_at) {
      unit.check_in_due_at = data.next_due_at;
    }
  }

  // The assignment from the server; it replaces what the page shows only when no change
  // of the phone's is waiting (those are shown on top of it until they are sent).
  async function refresh() {
    if (!navigator.onLine) {
      if (state.sync !== "signin") state.sync = "offline";
      renderSync();
      return;
    }
    var sent = Date.now(), response;
    try {
      response = await fetch("/api/units/" + UNIT + "/assignment", {
        headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store",
      });
    } catch (error) {
      state.sync = "offline";
      renderSync();
      return;
    }
    if (response.status === 401 || response.status === 403) {
      state.sync = "signin";
      renderSync();
      return;
    }
    if (!response.ok) return;
    var data = await response.json();
    if (state.sync === "offline") state.sync = "online";
    if (flushing || (await count("outbox")) > 0) return;
    state.assignment = data;
    state.offset = Date.parse(data.server_now) - (sent + Date.now()) / 2;
    saveState();
    render();
  }

  // ---- the phone's position (only when the crew allows it) ------------------------------

  var watching = null;

  function startLocation() {
    if (!navigator.geolocation || watching !== null) return;
    $("field-location-state").textContent = S["location.on"];
    watching = navigator.geolocation.watchPosition(onFix, function (error) {
      navigator.geolocation.clearWatch(watching);
      watching = null;
      $("field-location-state").textContent =
        error.code === error.PERMISSION_DENIED ? S["location.denied"] : S["location.off"];
    }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 60000 });
  }

  function onFix(position) {
    var c = position.coords;
    state.fix = { lat: c.latitude, lon: c.longitude, taken: serverNow() };
    if (serverNow() - state.lastPositionAt < POSITION_EVERY_MS) return;
    state.lastPositionAt = serverNow();
    var body = { lat: c.latitude, lon: c.longitude, at: stamp() };
    if (c.accuracy != null) body.accuracy_m = Math.min(c.accuracy, 100000);
    enqueue("position", "/positions", body);
  }

  // ---- wiring -------------------------------------------------------------------------

  // The buttons change under the finger after a tap: a quick second tap must not land on
  // the next status's button, so they wait a moment.
  function guardTaps() {
    var box = $("field-status-buttons");
    state.guardUntil = Date.now() + TAP_GUARD_MS;
    box.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    setTimeout(function () {
      box.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    }, TAP_GUARD_MS);
  }

  $("field-status-buttons").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-status]");
    if (!button || button.disabled) return;
    guardTaps();
    changeStatus(button.dataset.status);
  });
  $("field-check-in").addEventListener("click", function () {
    if (Date.now() - state.checkedAt > 2000) checkIn();
  });
  $("field-report-form").addEventListener("submit", sendReport);
  $("field-failed-dismiss").addEventListener("click", function () {
    store("failed", "readwrite", function (s) { return s.clear(); }).then(reloadQueue);
  });
  $("field-location").addEventListener("click", startLocation);
  ["field-people", "field-children"].forEach(function (id) {
    $(id).addEventListener("focus", function () { if (latinDigits(this.value) === "0") this.value = ""; });
  });

  window.addEventListener("online", function () {
    state.sync = "online";
    flush();
  });
  window.addEventListener("offline", function () {
    if (state.sync !== "signin") state.sync = "offline";
    renderSync();
  });

  setInterval(function () { renderSafety(view()); }, 1000);
  setInterval(function () {
    if (!navigator.onLine) return;
    flush(); // refreshes the assignment when the outbox is empty
  }, POLL_MS);

  if (navigator.permissions && navigator.geolocation) {
    // Already allowed: share the position from the start, without asking again.
    var permissionOf = navigator.permissions.query.bind(navigator.permissions);
    permissionOf({ name: "geolocation" }).then(function (status) {
      if (status.state === "granted") startLocation();
    }).catch(function () {});
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/field/sw.js", { scope: "/field" }).catch(function (error) {
      api.lastError = "service worker: " + error;
    });
  }

  window.panahField = {
    queued: function () { return count("outbox"); },
    flush: flush,
    refresh: refresh,
    enqueue: enqueueOther,
    outbox: function () { return all("outbox"); },
  };
  Object.defineProperty(window.panahField, "synced", { get: function () { return api.synced; } });
  Object.defineProperty(window.panahField, "lastError", { get: function () { return api.lastError; } });

  if (!navigator.onLine) state.sync = "offline";
  render();
  loadState().then(saveState).then(reloadQueue).then(function () {
    if (navigator.onLine) flush();
  });
})();
