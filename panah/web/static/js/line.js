/* Panah 123 console: wait timers and taking on the queue page; the map and the chat on the
 * contact screen. The queue list itself is refreshed by HTMX (see line/_live.html).
 * window.panahLine exposes what happened, for people debugging and for the browser tests. */
(function () {
  "use strict";

  var labelsNode = document.getElementById("line-labels");
  if (!labelsNode) { return; }
  var labels = JSON.parse(labelsNode.textContent);
  var fa = labels.lang === "fa";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var state = { timers: 0, taken: null, notice: null, map: null, chat: null };
  window.panahLine = state;

  function digits(value) {
    var text = String(value);
    return fa ? text.replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : text;
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  // The API: JSON in and out, the session cookie, and the CSRF token on every change.
  function api(method, url, body) {
    var headers = { Accept: "application/json" };
    if (method !== "GET") { headers["X-CSRF-Token"] = csrf; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(url, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { ok: response.ok, status: response.status, body: data };
      });
    });
  }

  // Both languages of a Panah error: the page's language first, the other beneath.
  function bilingual(node, body, fallback) {
    var first = body && (fa ? body.message_fa : body.message);
    var second = body && (fa ? body.message : body.message_fa);
    node.textContent = "";
    var p = document.createElement("p");
    p.textContent = first || fallback;
    node.appendChild(p);
    if (second && second !== first) {
      var other = document.createElement("p");
      other.className = "small";
      other.lang = fa ? "en" : "fa";
      other.dir = fa ? "ltr" : "rtl";
      other.textContent = second;
      node.appendChild(other);
    }
    node.hidden = false;
  }

  // ---- wait timers: counted here from the first sight of each contact -------------------

  var since = {};

  function formatWait(seconds) {
    var s = Math.max(0, seconds);
    var text = s >= 3600
      ? Math.floor(s / 3600) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60)
      : pad(Math.floor(s / 60)) + ":" + pad(s % 60);
    return digits(text);
  }

  function tick() {
    var now = Date.now();
    var timers = document.querySelectorAll("[data-wait-key]");
    timers.forEach(function (node) {
      var key = node.getAttribute("data-wait-key");
      if (!(key in since)) { since[key] = now - Number(node.getAttribute("data-waited")) * 1000; }
      node.textContent = formatWait(Math.floor((now - since[key]) / 1000));
    });
    state.timers = timers.length;
  }

  // ---- the queue: take a contact --------------------------------------------------------

  function refreshQueue() {
    document.body.dispatchEvent(new CustomEvent("line-refresh"));
  }

  function take(button) {
    var id = button.getAttribute("data-take");
    var notice = document.getElementById("line-notice");
    button.disabled = true;
    button.textContent = labels.taking;
    return api("POST", "/api/contacts/" + id + "/take").then(function (result) {
      if (result.ok) {
        state.taken = Number(id);
        window.location.assign("/line/contacts/" + id);
        return;
      }
      state.notice = { status: result.status, body: result.body };
      bilingual(notice, result.body, labels.take_failed);
      button.disabled = false;
      button.textContent = labels.take;
      refreshQueue();
    }, function () {
      bilingual(notice, null, labels.take_failed);
      button.disabled = false;
      button.textContent = labels.take;
    });
  }

  // A take button is on each queue row, and on the screen of a contact still waiting.
  function initTake() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-take]");
      if (button && !button.disabled) {
        event.preventDefault();
        take(button);
      }
    });
    state.take = function (id) {
      var button = document.querySelector('[data-take="' + id + '"]');
      return button ? take(button) : null;
    };
  }

  // ---- the contact screen: the map ------------------------------------------------------

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(url + " answered " + response.status); }
        return response.json();
      });
  }

  function drawLocations(map, data, layer, mapState) {
    data.locations.forEach(function (loc) {
      var used = loc.source === data.used_source;
      var colour = used ? "#b3261e" : "#5d6b7a";
      var where = [loc.lat, loc.lon];
      var name = labels.sources[loc.source] || loc.source;
      var tip = name;
      if (loc.radius_m != null) {
        tip += "<br>" + labels.accuracy.replace("{metres}", digits(Math.round(loc.radius_m)));
        L.circle(where, {
          radius: loc.radius_m, color: colour, weight: used ? 2 : 1, fillColor: colour,
          fillOpacity: used ? 0.2 : 0.06, className: "accuracy-circle" + (used ? " accuracy-used" : "")
        }).bindTooltip(tip).addTo(layer);
        mapState.circles.push({ lat: loc.lat, lon: loc.lon, radius_m: loc.radius_m, source: loc.source, used: used });
      }
      L.circleMarker(where, {
        radius: used ? 7 : 4, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1,
        className: "location-marker"
      }).bindTooltip(tip).addTo(layer);
    });
  }

  function outlineLayer(geojson, pick, chosenStyle, otherStyle) {
    return L.geoJSON(geojson, {
      filter: function (feature) { return pick(feature) !== null; },
      style: function (feature) { return pick(feature) ? chosenStyle : otherStyle; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({ radius: pick(feature) ? 6 : 3 },
          pick(feature) ? chosenStyle : otherStyle));
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip((fa ? p.name_fa : p.name_en) || p.name_en, { sticky: true });
      }
    });
  }

  function initMap() {
    var node = document.getElementById("line-map");
    if (!node || !window.L) { return; }
    var data = JSON.parse(document.getElementById("line-map-data").textContent);
    var status = document.getElementById("line-map-status");
    var mapState = { ready: false, circles: [], province: false, county: false, error: null, zoomed: false };
    state.map = mapState;
    var map = L.map(node, { zoomSnap: 0.25, attributionControl: false, minZoom: 4, maxZoom: 17 });
    map.setView([32.5, 54.0], 5);
    if (window.panahTiles) window.panahTiles(map);
    var provinces = L.featureGroup().addTo(map);
    var counties = L.featureGroup().addTo(map);
    var spot = L.featureGroup().addTo(map);
    drawLocations(map, data, spot, mapState);
    var chosenProvince = null;
    var chosenCounty = null;

    function overview() {
      var target = chosenCounty || chosenProvince || spot;
      var bounds = target.getBounds();
      if (spot.getLayers().length) { bounds = bounds.extend(spot.getBounds()); }
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12, animate: false }); }
    }

    function closeUp() {
      var bounds = spot.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [40, 40], maxZoom: 17, animate: false }); }
    }

    var zoom = document.getElementById("line-map-zoom");
    if (zoom) {
      zoom.addEventListener("click", function () {
        mapState.zoomed = !mapState.zoomed;
        if (mapState.zoomed) { closeUp(); } else { overview(); }
        zoom.textContent = mapState.zoomed ? labels.zoom_out : labels.zoom_in;
      });
    }

    var countyRequest = data.province_code
      ? fetchJson("/api/geo/counties.geojson?province=" + encodeURIComponent(data.province_code))
      : Promise.resolve(null);
    Promise.all([fetchJson("/api/geo/provinces.geojson"), countyRequest]).then(function (results) {
      var province = function (f) { return f.properties.code === data.province_code; };
      var layer = outlineLayer(results[0], province,
        { color: "#1f6f8b", weight: 2, fillColor: "#e6f2f6", fillOpacity: 1 },
        { color: "#9aa5b1", weight: 1, fillColor: "#fbf8f1", fillOpacity: 1 });
      layer.addTo(provinces);
      layer.eachLayer(function (l) { if (province(l.feature)) { chosenProvince = L.featureGroup([l]); } });
      mapState.province = Boolean(chosenProvince);
      if (results[1]) {
        var county = function (f) { return f.properties.key === data.county_key; };
        var countyLayer = outlineLayer(results[1], county,
          { color: "#b3261e", weight: 2.5, fillColor: "#fde7e4", fillOpacity: 0.7 },
          { color: "#1f6f8b", weight: 1, fillColor: "#d9eef5", fillOpacity: 0.5 });
        countyLayer.addTo(counties);
        countyLayer.eachLayer(function (l) { if (county(l.feature)) { chosenCounty = L.featureGroup([l]); } });
        mapState.county = Boolean(chosenCounty);
      }
      spot.bringToFront();
      overview();
      status.textContent = labels.map_ready;
      mapState.ready = true;
    }).catch(function (error) {
      mapState.error = String(error);
      status.textContent = labels.map_failed;
      closeUp();
      mapState.ready = true;
    });
  }

  // ---- the contact screen: the chat -----------------------------------------------------

  var clock = new Intl.DateTimeFormat(fa ? "fa-IR" : "en-GB",
    { timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit" });

  function messageItem(message) {
    var item = document.createElement("li");
    item.className = "msg msg-" + message.sender;
    item.setAttribute("data-sender", message.sender);
    item.setAttribute("data-id", message.id);
    var who = document.createElement("span");
    who.className = "msg-who";
    who.textContent = labels.senders[message.sender] || message.sender;
    var text = document.createElement("p");
    text.className = "msg-text";
    text.dir = "auto";
    text.textContent = message.text;
    var at = document.createElement("time");
    at.className = "msg-at";
    if (message.at) {
      at.dateTime = message.at;
      at.textContent = clock.format(new Date(message.at));
    }
    item.append(who, text, at);
    return item;
  }

  function initChat(contactId) {
    var log = document.getElementById("line-chat-log");
    if (!log) { return; }
    var status = document.getElementById("line-chat-status");
    var form = document.getElementById("line-chat-form");
    var input = document.getElementById("line-chat-input");
    var sendButton = document.getElementById("line-chat-send");
    var error = document.getElementById("line-chat-error");
    var chat = { messages: [], socket: "connecting", state: null };
    state.chat = chat;
    var seen = {};
    var socket = null;
    var retries = 0;
    var poller = null;
    var base = "/api/contacts/" + contactId + "/messages";

    function show(message) {
      if (!message || seen[message.id]) { return; }
      seen[message.id] = true;
      chat.messages.push(message);
      var item = messageItem(message);
      var later = Array.prototype.find.call(log.children, function (li) {
        return Number(li.getAttribute("data-id")) > Number(message.id);
      });
      log.insertBefore(item, later || null);
      log.scrollTop = log.scrollHeight;
    }

    function showState(value) {
      chat.state = value;
      var badge = document.getElementById("contact-state");
      if (badge) {
        badge.setAttribute("data-state", value);
        badge.textContent = labels.states[value] || value;
      }
      if (value === "closed") { ended(); }
    }

    // Closed: no longer live, nothing more to send, no socket to keep open.
    function ended() {
      chat.state = "closed";
      chat.ended = true;
      status.textContent = labels.ended;
      input.disabled = true;
      sendButton.disabled = true;
      input.placeholder = labels.ended_placeholder;
      poll(false);
      if (socket) {
        socket.onclose = null;
        socket.close();
        socket = null;
        chat.socket = "closed";
      }
    }
    chat.end = ended;

    function history() {
      return api("GET", base).then(function (result) {
        if (result.ok && Array.isArray(result.body)) { result.body.forEach(show); }
      });
    }

    function poll(on) {
      if (on && !poller) { poller = setInterval(history, 3000); }
      if (!on && poller) { clearInterval(poller); poller = null; }
    }

    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      try {
        socket = new WebSocket(scheme + window.location.host + "/ws/contacts/" + contactId + "/chat");
      } catch (e) {
        lost();
        return;
      }
      socket.onopen = function () {
        retries = 0;
        chat.socket = "open";
        if (chat.state !== "closed") { status.textContent = labels.live; }
        poll(false);
      };
      socket.onmessage = function (event) {
        var frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        if (frame.type === "message") { show(frame); }
        if (frame.type === "state") { showState(frame.state); }
      };
      socket.onclose = lost;
    }

    // Without the socket the chat still works: it reads the messages every few seconds.
    function lost() {
      if (socket) { socket.onclose = null; }
      socket = null;
      chat.socket = "closed";
      if (chat.state === "closed") { poll(false); return; }
      status.textContent = labels.reconnecting;
      poll(true);
      retries += 1;
      setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retries)));
    }

    function send() {
      var text = input.value.trim();
      if (!text) { return; }
      sendButton.disabled = true;
      api("POST", base, { text: text }).then(function (result) {
        sendButton.disabled = false;
        if (result.ok) {
          error.hidden = true;
          input.value = "";
          show(result.body);
        } else {
          bilingual(error, result.body, labels.send_failed);
        }
        input.focus();
      }, function () {
        sendButton.disabled = false;
        bilingual(error, null, labels.send_failed);
      });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    });
    if (document.getElementById("line-chat").getAttribute("data-ended") === "yes") {
      chat.state = "closed";
      chat.ended = true;
      history();  // the conversation as it was; nothing live to connect to
      return;
    }
    history().then(connect, connect);
  }

  // The triage panel closed the contact (HTMX swapped it in): the chat ends with it.
  function watchPanel() {
    document.addEventListener("htmx:afterSettle", function () {
      var panel = document.getElementById("triage-panel");
      if (panel && panel.getAttribute("data-state") === "closed" && state.chat && state.chat.end &&
          !state.chat.ended) {
        var badge = document.getElementById("contact-state");
        if (badge) {
          badge.setAttribute("data-state", "closed");
          badge.textContent = labels.states.closed;
        }
        state.chat.end();
      }
    });
  }

  function initContact() {
    var screen = document.getElementById("line-contact");
    if (!screen) { return; }
    initMap();
    initChat(screen.getAttribute("data-contact"));
    watchPanel();
  }

  initTake();
  initContact();
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSettle", tick);
})();
