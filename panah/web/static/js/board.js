/* Panah dispatch board: units by status and open incidents on a map, triage's requests,
 * recommendations and assignment, and the incidents closed today and this week (each with
 * its page). Live: asks for the board's stamp every few seconds and redraws only when it
 * changed. No internet tiles: the project's own province outlines.
 * Persian first: Persian digits and decimal separator, call signs and numbers isolated
 * (<bdi>) so a row reads in the right order right to left, every code in words.
 * window.panahBoard exposes what was drawn, for people debugging and for the browser tests. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("board-data").textContent);
  var L10N = data.labels;
  var fa = data.lang === "fa";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var state = { stamp: null, board: null, redraws: 0, error: null, picks: {}, lastAssign: null,
                confirming: {} };
  window.panahBoard = state;

  var COLOURS = {
    available_at_post: "#2e7d32", available_on_move: "#66bb6a", dispatched: "#ef6c00",
    en_route: "#f9a825", on_scene: "#b3261e", transporting: "#7b1fa2", at_centre: "#1565c0",
    out_of_service: "#757575"
  };

  function digits(value) {
    var text = String(value);
    if (!fa) { return text; }
    return text.replace(/(\d)\.(\d)/g, "$1٫$2")  // the Persian decimal separator
      .replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) {
      return name in values ? values[name] : "{" + name + "}";
    });
  }
  // A call sign (Latin letters and digits) kept whole and in its own direction in a
  // right-to-left row: without it "MZN-01 ۷ دقیقه" reads "دقیقه MZN-01 ۷".
  function sign(callSign) { return el("bdi", { dir: "ltr", "class": "call-sign", text: callSign }); }
  function word(group, code) {
    var key = group + "." + code;
    return data.words[key] || code;
  }
  function reason(code) {  // "not_available:on_scene" → "not available (on scene)"
    var parts = String(code).split(":");
    var said = word("board.excluded_reason", parts[0]);
    if (parts.length < 2) { return said; }
    var detail = parts[0] === "not_available" ? statusLabel(parts[1])
      : parts[1].split(",").map(function (r) {
        return ((data.roles || {})[r] || {})[data.lang] || r.replace(/_/g, " ");
      }).join("، ");
    return said + " (" + detail + ")";
  }
  function incidentNo(id) { return fill(L10N.incident_no, { id: digits(id) }); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  function statusLabel(code) { var s = data.statuses[code]; return s ? s[data.lang] : code; }
  function clock(iso) {
    var d = new Date(iso);
    return digits(d.toLocaleTimeString(fa ? "fa-IR-u-nu-latn" : "en-GB",
      { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Tehran" }));
  }
  function dayAndClock(iso) {  // earlier this week: the weekday too ("شنبه ۰۹:۲۰")
    var day = new Date(iso).toLocaleDateString(fa ? "fa-IR" : "en-GB",
      { weekday: "long", timeZone: "Asia/Tehran" });
    return day + " " + clock(iso);
  }
  function say(text, kind) {
    var box = document.getElementById("board-message");
    box.textContent = text;
    box.className = "alert alert-" + (kind || "info");
    box.hidden = !text;
  }
  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRF-Token"] = csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, ok: response.ok, json: json };
      });
    });
  }
  function sayWith(text, callSign, kind) {
    var box = document.getElementById("board-message");
    box.textContent = "";
    box.appendChild(el("span", { text: text }));
    box.appendChild(sign(callSign));
    box.className = "alert alert-" + (kind || "info");
    box.hidden = false;
  }
  function problem(json) { return (fa ? json.message_fa : json.message) || json.message || ""; }

  // ---- the map ---------------------------------------------------------------------
  var map = L.map("board-map", { zoomSnap: 0.25, attributionControl: false, minZoom: 5, maxZoom: 15 });
  map.setView([36.45, 52.0], 8);
  if (window.panahTiles) window.panahTiles(map);
  var outline = L.featureGroup().addTo(map);
  var units = L.featureGroup().addTo(map);
  var incidents = L.featureGroup().addTo(map);
  var draft = null;
  fetch("/api/geo/provinces.geojson", { credentials: "same-origin" }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (geojson) {
    if (geojson) {
      L.geoJSON(geojson, { style: { color: "#90a4ae", weight: 1, fillOpacity: 0.04 } }).addTo(outline);
    }
  }).catch(function () { /* the outline is decoration; the board works without it */ });

  map.on("click", function (event) { openForm(event.latlng.lat, event.latlng.lng); });

  function drawMap(board) {
    units.clearLayers();
    incidents.clearLayers();
    board.units.forEach(function (u) {
      if (u.lat == null) { return; }
      // The call sign always shows beside the point (a permanent label); its status and
      // staleness are the point's title.
      L.circleMarker([u.lat, u.lon], {
        radius: 8, color: "#fff", weight: 2, fillColor: COLOURS[u.status] || "#333", fillOpacity: 0.95
      }).bindTooltip(u.call_sign, { permanent: true, direction: "top", offset: [0, -8],
                                   className: "board-unit-label", interactive: false })
        .addTo(units)
        .getElement().setAttribute("aria-label", u.call_sign + " · " + statusLabel(u.status) +
          (u.position_stale ? " · " + L10N.stale : ""));
    });
    board.incidents.forEach(function (i) {
      L.circleMarker([i.lat, i.lon], { radius: 10, color: "#b3261e", weight: 3, fillOpacity: 0.2 })
        .bindTooltip(incidentNo(i.id) + " · " + (data.priorities[i.priority] || i.priority))
        .addTo(incidents);
    });
  }

  // ---- lists -----------------------------------------------------------------------
  function drawAlerts(board) {
    var list = document.getElementById("board-alerts");
    list.textContent = "";
    document.getElementById("board-alerts-card").hidden = board.alerts.length === 0;
    board.alerts.forEach(function (a) {
      var button = el("button", { type: "button", "class": "button button-small", text: L10N.acknowledge });
      button.addEventListener("click", function () {
        api("POST", "/api/dispatch/alerts/" + a.id + "/acknowledge", {}).then(refresh);
      });
      list.appendChild(el("li", { "class": "board-alert", "data-alert": a.id }, [
        el("strong", {}, [sign(a.call_sign)]), el("span", { text: " " + L10N.check_in_missed + " · " + clock(a.raised_at) + " " }),
        button]));
    });
  }

  function drawRequests(board) {
    var list = document.getElementById("board-requests");
    list.textContent = "";
    document.getElementById("board-requests-count").textContent = digits(board.requests.length);
    if (!board.requests.length) { list.appendChild(el("li", { "class": "muted", text: L10N.no_requests })); }
    board.requests.forEach(function (r) {
      var button = el("button", { type: "button", "class": "button button-small", text: L10N.make_incident });
      button.disabled = !r.has_point;
      button.addEventListener("click", function () {
        api("POST", "/api/dispatch-requests/" + r.id + "/incident", {}).then(function (res) {
          if (!res.ok) { say(problem(res.json), "error"); }
          refresh();
        });
      });
      list.appendChild(el("li", { "data-request": r.id }, [
        el("span", { "class": "risk risk-" + r.priority, text: data.priorities[r.priority] || r.priority }),
        el("span", { text: " " + L10N.contact + " " + digits(r.contact_id) + " · " + clock(r.requested_at) + " " }),
        r.has_point ? null : el("span", { "class": "muted", text: L10N.no_point + " " }), button]));
    });
  }

  function drawIncidents(board) {
    var list = document.getElementById("board-incidents");
    list.textContent = "";
    document.getElementById("board-incidents-count").textContent = digits(board.incidents.length);
    if (!board.incidents.length) { list.appendChild(el("li", { "class": "muted", text: L10N.no_incidents })); }
    board.incidents.forEach(function (i) {
      var cautions = el("span", { "class": "cautions" }, i.cautions.map(function (c) {
        return el("span", { "class": "caution", text: (data.cautions[c] || {})[data.lang] || c });
      }));
      var recommend = el("button", { type: "button", "class": "button button-small", "data-recommend": i.id, text: L10N.recommend });
      recommend.addEventListener("click", function () { loadPicks(i.id); });
      var picks = el("ol", { "class": "picks", id: "picks-" + i.id });
      var cancel = null, confirm = null;
      if (!i.units.length) {  // a false alarm or a duplicate: closed as cancelled, once confirmed
        cancel = el("button", { type: "button", "class": "button button-small button-quiet",
          "data-cancel-incident": i.id, text: L10N.close });
        confirm = cancelConfirmation(i);
        cancel.addEventListener("click", function () {
          state.confirming[i.id] = true;  // kept open across the board's redraws
          confirm.hidden = false;
          confirm.querySelector("[data-cancel-yes]").focus();
        });
      }
      var about = (fa ? i.categories_fa : i.categories_en) || [];
      var item = el("li", { "class": "board-incident", "data-incident": i.id }, [
        el("div", {}, [
          el("a", { href: "/dispatch/incidents/" + i.id, "class": "incident-link", text: incidentNo(i.id) }),
          el("span", { text: " " }),
          el("span", { "class": "risk risk-" + i.priority, text: data.priorities[i.priority] || i.priority }),
          el("span", { text: " " + (i.place || (fa ? i.area_fa : i.area_en) || "") + " · " + clock(i.created_at) + " " }),
          about.length ? el("span", { "class": "muted", text: about.join("، ") + " " }) : null,
          i.units.length ? el("span", { "class": "muted" }, [el("span", { text: L10N.units + ": " })].concat(
            i.units.map(function (u) { return sign(u); }))) : null,
          recommend, cancel]),
        confirm, cautions, picks]);
      list.appendChild(item);
      if (state.picks[i.id]) { drawPicks(i.id, state.picks[i.id]); }
    });
  }

  // Cancelling an incident asks first, in the page and in the page's language.
  function cancelConfirmation(i) {
    var yes = el("button", { type: "button", "class": "button button-small button-danger", "data-cancel-yes": i.id,
      text: L10N.cancel_yes });
    var no = el("button", { type: "button", "class": "button button-small button-quiet", "data-cancel-no": i.id,
      text: L10N.cancel_no });
    var box = el("div", { "class": "alert alert-warn board-confirm", role: "alertdialog", "data-confirm-cancel": i.id }, [
      el("p", { text: fill(L10N.cancel_confirm, { incident: incidentNo(i.id) }) }), yes, el("span", { text: " " }), no]);
    box.hidden = !state.confirming[i.id];
    no.addEventListener("click", function () { delete state.confirming[i.id]; box.hidden = true; });
    yes.addEventListener("click", function () {
      yes.disabled = true;
      delete state.confirming[i.id];
      api("POST", "/api/incidents/" + i.id + "/close", { cancelled: true }).then(function (res) {
        if (!res.ok) { say(problem(res.json), "error"); }
        refresh(true);
      });
    });
    return box;
  }

  function drawClosed(board) {
    [["board-closed-today", board.closed_today || [], clock],
     ["board-closed-earlier", board.closed_earlier || [], dayAndClock]].forEach(function (pair) {
      var list = document.getElementById(pair[0]);
      list.textContent = "";
      document.getElementById(pair[0] + "-count").textContent = digits(pair[1].length);
      if (!pair[1].length) { list.appendChild(el("li", { "class": "muted", text: L10N.no_closed })); }
      pair[1].forEach(function (c) {
        var went = c.units.length ? [el("span", { text: " · " })].concat(c.units.map(function (u, n) {
          return n ? el("span", {}, [el("span", { text: "، " }), sign(u)]) : sign(u);
        })) : [];
        list.appendChild(el("li", { "class": "board-closed-item", "data-closed-incident": c.id, "data-state": c.state }, [
          el("a", { href: "/dispatch/incidents/" + c.id, "class": "incident-link", text: incidentNo(c.id) }),
          el("span", { text: " " }),
          el("span", { "class": "incident-state incident-state-" + c.state, text: word("incident.state", c.state) }),
          el("span", { text: " · " + pair[2](c.closed_at) + (c.place ? " · " + c.place : "") }),
          c.outcome ? el("span", { "class": "muted", text: " · " + word("field.outcome", c.outcome) }) : null
        ].concat(went)));
      });
    });
  }

  function loadPicks(incidentId) {
    return api("GET", "/api/incidents/" + incidentId + "/recommendations").then(function (res) {
      if (!res.ok) { say(problem(res.json), "error"); return; }
      state.picks[incidentId] = res.json;
      drawPicks(incidentId, res.json);
    });
  }

  function drawPicks(incidentId, found) {
    var list = document.getElementById("picks-" + incidentId);
    if (!list) { return; }
    list.textContent = "";
    if (!found.picks.length) { list.appendChild(el("li", { "class": "muted picks-note", text: L10N.no_picks })); }
    found.picks.forEach(function (p, rank) {
      var button = el("button", { type: "button", "class": "button button-small" + (rank === 0 ? " button-primary" : ""),
        "data-assign": p.unit_id }, [el("span", { text: L10N.assign + " " }), sign(p.call_sign)]);
      button.addEventListener("click", function () { assign(incidentId, p.unit_id); });
      list.appendChild(el("li", { "class": "pick", "data-unit": p.unit_id }, [
        el("strong", {}, [sign(p.call_sign)]), el("span", { text: " " }),
        el("span", { "class": "pick-explain", text: fa ? p.explain_fa : p.explain_en }), el("span", { text: " " }), button]));
    });
    if (found.excluded.length) {
      var left = el("li", { "class": "muted small board-excluded picks-note" }, [el("span", { text: L10N.excluded + ": " })]);
      found.excluded.forEach(function (e, n) {
        left.appendChild(el("span", { "data-excluded": e.unit_id }, [
          el("span", { text: n ? "؛ " : "" }), sign(e.call_sign), el("span", { text: ": " + reason(e.reason) })]));
      });
      list.appendChild(left);
    }
  }

  function assign(incidentId, unitId) {
    return api("POST", "/api/incidents/" + incidentId + "/assignments", { unit_id: unitId }).then(function (res) {
      state.lastAssign = res.status;
      if (res.status === 201) {
        sayWith(L10N.assigned + ": ", res.json.call_sign, "success");
        delete state.picks[incidentId];
      } else if (res.status === 409 && res.json.recommendation) {
        say(problem(res.json), "warn");
        state.picks[incidentId] = res.json.recommendation;
      } else {
        say(problem(res.json), "error");
      }
      return refresh(true);
    });
  }

  function drawUnits(board) {
    var body = document.getElementById("board-units");
    body.textContent = "";
    document.getElementById("board-units-count").textContent = digits(board.units.length);
    board.units.forEach(function (u) {
      var trail = el("ol", { "class": "trail", "data-trail": u.call_sign }, u.trail.map(function (t) {
        return el("li", { "class": "trail-step" + (t.applied ? "" : " trail-overtaken"), "data-status": t.status,
          title: clock(t.at), text: (fa ? t.status_fa : t.status_en) + " " + clock(t.at) });
      }));
      body.appendChild(el("tr", { "data-unit": u.call_sign }, [
        el("td", {}, [sign(u.call_sign)]),
        el("td", {}, [el("span", { "class": "status status-" + u.status, "data-unit-status": u.status, text: statusLabel(u.status) }),
          u.position_stale && u.status !== "available_at_post" ? el("span", { "class": "muted small", text: " " + L10N.stale }) : null]),
        el("td", { text: ((fa ? u.post_fa : u.post) || "") + (u.at_home ? " (" + L10N.at_home + ")" : "") }),
        el("td", { text: u.crew.join("، ") }),
        el("td", {}, [trail])]));
    });
  }

  // ---- a new incident from a click on the map ---------------------------------------
  var form = document.getElementById("board-new-incident");
  function openForm(lat, lon) {
    form.hidden = false;
    form.dataset.lat = lat;
    form.dataset.lon = lon;
    document.getElementById("board-new-point").textContent = digits(lat.toFixed(5)) + "، " + digits(lon.toFixed(5));
    if (draft) { draft.remove(); }
    draft = L.marker([lat, lon]).addTo(map);
  }
  form.querySelector("[data-cancel]").addEventListener("click", function () {
    form.hidden = true;
    if (draft) { draft.remove(); draft = null; }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {
      lat: Number(form.dataset.lat), lon: Number(form.dataset.lon), priority: form.priority.value,
      place: form.place.value || null, note: form.note.value || null, prefer_woman: form.prefer_woman.checked,
      cautions: Array.prototype.map.call(form.querySelectorAll("input[name=cautions]:checked"), function (c) { return c.value; })
    };
    api("POST", "/api/incidents", body).then(function (res) {
      if (!res.ok) { say(problem(res.json), "error"); return; }
      form.reset();
      form.hidden = true;
      if (draft) { draft.remove(); draft = null; }
      say("", "info");
      refresh(true).then(function () { loadPicks(res.json.id); });
    });
  });

  // ---- live ------------------------------------------------------------------------
  function draw(board) {
    state.board = board;
    state.stamp = board.stamp;
    state.redraws += 1;
    drawMap(board);
    drawAlerts(board);
    drawRequests(board);
    drawIncidents(board);
    drawClosed(board);
    drawUnits(board);
  }

  function refresh(force) {
    var province = data.province ? "?province=" + encodeURIComponent(data.province) : "";
    var live = document.getElementById("board-live");
    return api("GET", "/api/dispatch/board/stamp" + province).then(function (res) {
      if (!res.ok) { throw new Error(problem(res.json)); }
      if (!force && res.json.stamp === state.stamp) { return null; }
      return api("GET", "/api/dispatch/board" + province).then(function (full) {
        if (full.ok) { draw(full.json); }
      });
    }).then(function () {
      state.error = null;
      live.textContent = L10N.live + " · " + clock(new Date().toISOString());
    }).catch(function (error) {
      state.error = String(error);
      live.textContent = L10N.offline;
    });
  }

  // Where positions and the teams' messages come from, in a user's words; the technical
  // detail (which setting, which address) stays in the JSON for the administrator.
  api("GET", "/api/dispatch/mqtt").then(function (res) {
    if (!res.ok) { return; }
    var bus = document.getElementById("board-bus");
    bus.dataset.configured = String(res.json.configured);
    bus.dataset.connected = String(res.json.connected);
    bus.textContent = !res.json.configured ? L10N.bus_none : res.json.connected ? L10N.bus_connected : L10N.bus_down;
  });
  refresh(true);
  setInterval(refresh, data.poll_seconds * 1000);
})();
