/* Panah team channels: the dispatcher and the crews talk per incident, per unit (its line
 * to dispatch) and per centre, in text and short voice notes.
 *
 *   PanahChannels.mount(element, {lang, csrf, strings, me, queue, waiting})
 *
 * draws the channels as tabs, the chosen one's messages, a text box and a hold-to-record
 * button. New messages come by asking for those after the last one every 3 s; when the
 * websocket opens it brings them at once and the asking slows down (the browser tests'
 * server has no websockets, so polling alone must be enough).
 * In the field app a text goes into the phone's outbox (`queue(url, body)`, a promise) so
 * it is not lost without a network, and `waiting()` lists that outbox; voice notes are
 * sent online only. An element with `data-panah-channels` is mounted on its own.
 * window.panahChannels exposes what was drawn, for people debugging and the browser tests. */
(function () {
  "use strict";

  var POLL_MS = 3000;
  var SLOW_EVERY = 5; // with the socket open, or for the channel list: every 5th tick
  var PAGE = 100; // the server's page of messages
  var KEEP = 300; // messages kept on the screen per channel
  var MAX_SECONDS = 60;
  var MAX_BYTES = 512 * 1024;
  var MIN_SECONDS = 0.7; // a tap, not a message
  var LIST_KEY = "panah-channels-list"; // names only, to type offline after a reload
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, name) {
      return name in values ? values[name] : "{" + name + "}";
    });
  }

  function clientId() {
    if (window.crypto && crypto.randomUUID) { return "ch-" + crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "ch-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function readStrings(root) {
    var node = root.querySelector("script[type='application/json']");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function metaCsrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function mount(root, options) {
    options = options || {};
    var S = options.strings || readStrings(root);
    var fa = (options.lang || document.documentElement.lang) === "fa";
    var csrf = options.csrf || metaCsrf();
    var queue = typeof options.queue === "function" ? options.queue : null;
    var waiting = typeof options.waiting === "function" ? options.waiting : null;
    var me = options.me || "";
    var expose = { channels: [], messages: [], lastError: null, current: null,
                   socket: "closed", mode: queue ? "queue" : "direct" };
    window.panahChannels = expose;

    var ui = build(root, S);
    var current = null;
    var generation = 0; // bumped on a channel switch: late answers for the old one are dropped
    var lastId = 0;
    var shown = {}; // message id → li, of the current channel
    var pending = {}; // client_id → {channel, body, li, queued}
    var mine = {}; // client ids sent from this page
    var seen = {}; // channel id → the highest message id seen
    var listedOnce = false;
    var chosenByHand = false;
    var network = "up";
    var loading = null;
    var queuedCount = 0; // numbers the queued texts: a poll judges only those queued before it
    var socket = null, socketTries = 0, socketTimer = null;
    var rec = null;

    // ---- small helpers ------------------------------------------------------------------

    function digits(value) {
      var text = String(value);
      return fa ? text.replace(/[0-9]/g, function (d) { return PERSIAN.charAt(+d); }) : text;
    }

    var clockFormat = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    var dateFormat = (function () {
      try {
        return new Intl.DateTimeFormat(fa ? "fa-IR-u-ca-persian-nu-latn" : "en-GB", {
          timeZone: "Asia/Tehran", year: "numeric", month: "2-digit", day: "2-digit",
          hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      } catch (e) { return clockFormat; }
    }());

    function duration(seconds) {
      var total = Math.max(0, Math.round(seconds || 0));
      var s = total % 60;
      return digits(Math.floor(total / 60) + ":" + (s < 10 ? "0" : "") + s);
    }

    function problem(error, fallback) {
      var body = error && error.body;
      var text = body && ((fa ? body.message_fa : body.message) || body.message);
      return text || fallback;
    }

    function api(method, url, body) {
      var headers = { Accept: "application/json" };
      if (method !== "GET") {
        headers["X-CSRF-Token"] = csrf;
        headers["Content-Type"] = "application/json";
      }
      return fetch(url, {
        method: method, headers: headers, credentials: "same-origin", cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (!response.ok) { throw { status: response.status, body: data }; }
          return data;
        });
      }, function () { throw { status: 0, body: null }; });
    }

    function noteError(error) {
      if (error && error.status === 0) {
        network = "down";
        expose.lastError = "network";
      } else {
        expose.lastError = problem(error, "HTTP " + (error && error.status));
      }
      renderState();
    }

    function reached() {
      if (network !== "up") {
        network = "up";
        renderState();
      }
    }

    function offline() { return !navigator.onLine || network === "down"; }

    function showError(text) {
      ui.error.textContent = text || "";
      ui.error.hidden = !text;
    }

    function voiceSay(text, kind) {
      ui.voice.textContent = text || "";
      ui.voice.setAttribute("data-kind", kind || "info");
    }

    // ---- the channels -------------------------------------------------------------------

    function tabName(channel) {
      var name = fa ? channel.name_fa : channel.name_en;
      // The incident's number in the page's digits; call signs stay as they are painted.
      return channel.kind === "incident" ? digits(name) : name;
    }

    function drawTabs() {
      var wanted = expose.channels.map(function (c) {
        return [c.id, c.kind, tabName(c), c.units.join(" ")].join("|");
      }).join(",");
      if (ui.tabs.getAttribute("data-shown") !== wanted) {
        ui.tabs.setAttribute("data-shown", wanted);
        ui.tabs.textContent = "";
        expose.channels.forEach(function (channel) {
          var tab = el("button", { type: "button", role: "tab", "class": "channel-tab",
                                   "data-channel-id": String(channel.id),
                                   "data-kind": channel.kind });
          tab.title = S["kind." + channel.kind] || channel.kind; // the name says it too
          tab.appendChild(el("span", { "class": "channel-tab-name", dir: "auto" }, tabName(channel)));
          if (channel.kind === "incident" && channel.units.length) {
            tab.appendChild(el("bdi", { "class": "channel-tab-units", dir: "ltr" },
                               channel.units.join(", ")));
          }
          tab.appendChild(el("span", { "class": "channel-unread", "aria-label": S.unread || "",
                                       title: S.unread || "", hidden: "" }, "●"));
          ui.tabs.appendChild(tab);
        });
      }
      Array.prototype.forEach.call(ui.tabs.children, function (tab) {
        var id = Number(tab.getAttribute("data-channel-id"));
        var channel = expose.channels.filter(function (c) { return c.id === id; })[0];
        var chosen = current !== null && current.id === id;
        tab.setAttribute("aria-selected", String(chosen));
        tab.tabIndex = chosen || (current === null && tab === ui.tabs.firstChild) ? 0 : -1;
        var unread = !chosen && channel && channel.last_message_id > (seen[id] || 0);
        tab.setAttribute("data-unread", String(Boolean(unread)));
        tab.querySelector(".channel-unread").hidden = !unread;
      });
      ui.none.hidden = expose.channels.length > 0;
      ui.body.hidden = !expose.channels.length;
    }

    function setChannels(list) {
      list.forEach(function (c) {
        // At the first look nothing is "new"; a channel that appears later is.
        if (!(c.id in seen)) { seen[c.id] = listedOnce ? 0 : c.last_message_id; }
      });
      listedOnce = true;
      expose.channels = list;
      var still = (current && list.filter(function (c) { return c.id === current.id; })[0]) || null;
      if (still) { current = still; }
      var first = list[0] || null;
      var want = still;
      // A new incident comes first and is opened, unless the user chose a channel or is
      // writing (a text must not go to a channel other than the one it was begun in).
      var busy = chosenByHand || ui.text.value !== "" || document.activeElement === ui.text;
      if (!still || (!busy && first.id !== still.id)) { want = first; }
      if (want !== still || (!want && current)) { choose(want); }
      drawTabs();
    }

    function remember(list) {
      if (!queue) { return; }
      try {
        localStorage.setItem(LIST_KEY, JSON.stringify(list.map(function (c) {
          return { id: c.id, kind: c.kind, name_fa: c.name_fa, name_en: c.name_en,
                   incident_id: c.incident_id, units: c.units, last_message_id: 0 };
        })));
      } catch (e) { /* a full or private storage: the list comes from the server only */ }
    }

    function recall() {
      try { return JSON.parse(localStorage.getItem(LIST_KEY) || "null"); } catch (e) { return null; }
    }

    function loadChannels() {
      return api("GET", "/api/channels").then(function (list) {
        reached();
        remember(list);
        setChannels(list);
      }, function (error) {
        noteError(error);
        var saved = !expose.channels.length && recall();
        if (saved && saved.length) { setChannels(saved); }
      });
    }

    function choose(channel) {
      generation += 1;
      closeSocket();
      current = channel;
      expose.current = channel ? channel.id : null;
      expose.messages = [];
      lastId = 0;
      shown = {};
      ui.list.textContent = "";
      drawTabs();
      renderState();
      if (!channel) { return; }
      Object.keys(pending).forEach(function (key) {
        if (pending[key].channel === channel.id) { ui.list.appendChild(pending[key].li); }
      });
      poll().then(connect);
    }

    // ---- the messages -------------------------------------------------------------------

    function isMine(message) {
      return Boolean(mine[message.client_id]) || (me !== "" && message.sender_name === me);
    }

    function meta(name, callSign, at, source) {
      var line = el("p", { "class": "channel-meta" });
      line.appendChild(el("span", { "class": "channel-sender", dir: "auto" }, name));
      if (callSign) {
        line.appendChild(el("bdi", { "class": "channel-callsign", dir: "ltr" }, callSign));
      }
      if (source && source !== "web") {
        line.appendChild(el("span", { "class": "channel-source", "data-source": source },
                            S["source." + source] || source));
      }
      if (at) {
        var time = el("time", { datetime: at, title: digits(dateFormat.format(new Date(at))) },
                      digits(clockFormat.format(new Date(at))));
        line.appendChild(time);
      }
      return line;
    }

    function messageItem(message) {
      var item = el("li", { "class": "channel-message", "data-message-id": String(message.id),
                            "data-kind": message.kind, "data-source": message.source,
                            "data-mine": String(isMine(message)) });
      item.appendChild(meta(message.sender_name, message.sender_call_sign, message.at,
                            message.source));
      if (message.kind === "voice" && message.voice_url) {
        var voice = el("p", { "class": "channel-voice" });
        var audio = el("audio", { controls: "", preload: "none", src: message.voice_url });
        audio.setAttribute("aria-label", S.voice_note || "");
        voice.appendChild(audio);
        voice.appendChild(el("span", { "class": "channel-voice-length small" },
                             S.voice_note + " · " + duration(message.voice_seconds)));
        item.appendChild(voice);
      }
      if (message.text) {
        item.appendChild(el("p", { "class": "channel-text", dir: "auto" }, message.text));
      }
      return item;
    }

    function nearBottom() {
      return ui.list.scrollHeight - ui.list.scrollTop - ui.list.clientHeight < 80;
    }

    function show(message) {
      if (!message || !current || message.channel_id !== current.id || shown[message.id]) { return; }
      var follow = nearBottom() || isMine(message);
      var waited = pending[message.client_id];
      if (waited) {
        waited.li.remove();
        delete pending[message.client_id];
      }
      var item = messageItem(message);
      var later = null;
      Array.prototype.some.call(ui.list.children, function (li) {
        var id = li.getAttribute("data-message-id");
        if (id === null || Number(id) > message.id) { later = li; return true; }
        return false;
      });
      ui.list.insertBefore(item, later);
      shown[message.id] = item;
      expose.messages.push(message);
      expose.messages.sort(function (a, b) { return a.id - b.id; });
      lastId = Math.max(lastId, message.id);
      seen[current.id] = Math.max(seen[current.id] || 0, message.id);
      while (expose.messages.length > KEEP) {
        var old = expose.messages.shift();
        if (shown[old.id]) { shown[old.id].remove(); delete shown[old.id]; }
      }
      if (follow) { ui.list.scrollTop = ui.list.scrollHeight; }
    }

    // Everything after the last message seen, a page at a time.
    function fetchAfter(channel, gen, pages) {
      return api("GET", "/api/channels/" + channel.id + "/messages?after=" + lastId)
        .then(function (list) {
          if (gen !== generation) { return; }
          reached();
          list.forEach(show);
          if (list.length === PAGE && pages > 1) { return fetchAfter(channel, gen, pages - 1); }
        });
    }

    function poll() {
      if (!current) { return Promise.resolve(); }
      if (loading && loading.generation === generation) { return loading; }
      var gen = generation, channel = current, mark = queuedCount;
      // The outbox is read before the messages: a text gone from it was stored before.
      var before = waiting ? waiting().catch(function () { return null; }) : Promise.resolve(null);
      var job = before.then(function (queued) {
        return fetchAfter(channel, gen, 20).then(function () {
          if (gen === generation) { settle(queued, channel.id, mark); }
        });
      }).catch(function (error) {
        if (gen !== generation) { return; }
        noteError(error);
        if (error && (error.status === 403 || error.status === 404)) { loadChannels(); }
      }).then(function () {
        if (loading === job) { loading = null; }
        drawTabs();
      });
      job.generation = gen;
      loading = job;
      return job;
    }

    // ---- what is being sent ---------------------------------------------------------------

    function pendingItem(channelId, body, state) {
      var item = el("li", { "class": "channel-message", "data-pending": state,
                            "data-client-id": body.client_id, "data-kind": "text",
                            "data-mine": "true" });
      item.appendChild(meta(S.you, null, null, null));
      item.appendChild(el("p", { "class": "channel-text", dir: "auto" }, body.text));
      item.appendChild(el("p", { "class": "channel-pending small" }, pendingLabel(state)));
      var entry = { channel: channelId, body: body, li: item, queued: 0 };
      pending[body.client_id] = entry;
      mine[body.client_id] = true;
      if (current && current.id === channelId) {
        ui.list.appendChild(item);
        ui.list.scrollTop = ui.list.scrollHeight;
      }
      return entry;
    }

    // A queued text is "waiting" for the network, or being sent while it is there.
    function pendingLabel(state) {
      return S[state === "waiting" && !offline() ? "sending" : state] || state;
    }

    function markPending(entry, state) {
      entry.li.setAttribute("data-pending", state);
      entry.li.querySelector(".channel-pending").textContent = pendingLabel(state);
    }

    function relabelPending() {
      Object.keys(pending).forEach(function (key) {
        markPending(pending[key], pending[key].li.getAttribute("data-pending"));
      });
    }

    // The outbox sends at once when it can: look for the stored text soon after.
    function pollSoon() {
      if (!offline()) { setTimeout(poll, 1200); }
    }

    // A queued text that left the outbox and is not on the server was refused (field.js
    // lists it with the crew's other refused changes).
    function settle(queued, channelId, mark) {
      if (!queued) { return; }
      var inOutbox = {};
      queued.forEach(function (item) {
        if (item.body && item.body.client_id) { inOutbox[item.body.client_id] = true; }
      });
      Object.keys(pending).forEach(function (key) {
        var entry = pending[key];
        if (entry.channel === channelId && entry.queued && entry.queued <= mark &&
            !inOutbox[key]) {
          markPending(entry, "not_sent");
          entry.queued = 0;
        }
      });
    }

    function restoreQueued() {
      if (!waiting) { return Promise.resolve(); }
      return waiting().then(function (items) {
        (items || []).forEach(function (item) {
          var found = /^\/api\/channels\/(\d+)\/messages$/.exec(item.url || "");
          if (!found || !item.body || pending[item.body.client_id]) { return; }
          queuedCount += 1;
          pendingItem(Number(found[1]), item.body, "waiting").queued = queuedCount;
        });
      }).catch(function () { /* no outbox: nothing waits */ });
    }

    function send(event) {
      event.preventDefault();
      var text = ui.text.value.trim();
      if (!text || !current) { return; }
      var channel = current;
      var body = { client_id: clientId(), text: text };
      var url = "/api/channels/" + channel.id + "/messages";
      showError("");
      ui.text.value = "";
      var entry = pendingItem(channel.id, body, queue ? "waiting" : "sending");
      var sent = queue ? queue(url, body) : api("POST", url, body);
      sent.then(function (message) {
        if (queue) {
          queuedCount += 1;
          entry.queued = queuedCount; // in the outbox from now on
          pollSoon();
        } else {
          reached();
          show(message);
        }
      }, function (error) {
        entry.li.remove();
        delete pending[body.client_id];
        if (!ui.text.value) { ui.text.value = text; }
        if (queue) {
          expose.lastError = String(error);
          showError(S.send_failed);
        } else {
          noteError(error);
          showError(problem(error, S.send_failed));
        }
      });
      ui.text.focus();
    }

    // ---- voice notes: hold the button, speak, let go ---------------------------------------

    function canRecord() {
      return Boolean(window.MediaRecorder && navigator.mediaDevices &&
                     navigator.mediaDevices.getUserMedia);
    }

    function recorderOptions() {
      var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
      var type = types.filter(function (t) {
        return MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(t);
      })[0];
      var chosen = { audioBitsPerSecond: 32000 }; // a minute in about 240 KB
      if (type) { chosen.mimeType = type; }
      return chosen;
    }

    function micProblem(error) {
      var name = error && error.name;
      if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
        return S.mic_denied;
      }
      if (name === "NotFoundError" || name === "DevicesNotFoundError" || name === "NotReadableError") {
        return S.mic_missing;
      }
      return S.mic_failed;
    }

    function stopTracks(session) {
      if (session.stream) {
        session.stream.getTracks().forEach(function (track) { track.stop(); });
      }
    }

    function recording(on) {
      ui.record.setAttribute("data-recording", String(on));
      ui.record.setAttribute("aria-pressed", String(on));
    }

    function startRecording() {
      if (rec || !current) { return; }
      if (offline()) { voiceSay(S.voice_offline, "error"); return; }
      if (!canRecord()) { voiceSay(S.mic_unsupported, "error"); return; }
      var session = { held: true, channel: current.id, chunks: [] };
      rec = session;
      voiceSay(S.mic_asking);
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        session.stream = stream;
        if (!session.held) { // let go while the phone asked for the microphone
          stopTracks(session);
          rec = null;
          voiceSay(S.voice_hold);
          return;
        }
        var recorder;
        try {
          recorder = new MediaRecorder(stream, recorderOptions());
        } catch (e) {
          recorder = new MediaRecorder(stream);
        }
        session.recorder = recorder;
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) { session.chunks.push(e.data); } };
        recorder.onstop = function () { finishRecording(session); };
        recorder.start(1000);
        session.started = Date.now();
        recording(true);
        tickRecording(session);
        session.timer = setInterval(function () { tickRecording(session); }, 250);
      }).catch(function (error) {
        stopTracks(session);
        rec = null;
        recording(false);
        expose.lastError = "microphone: " + (error && error.name);
        voiceSay(micProblem(error), "error");
      });
    }

    function tickRecording(session) {
      var seconds = (Date.now() - session.started) / 1000;
      voiceSay(fill(S.recording, { seconds: digits(Math.min(MAX_SECONDS, Math.floor(seconds))),
                                   max: digits(MAX_SECONDS) }), "recording");
      if (seconds >= MAX_SECONDS) { stopRecording(); }
    }

    function stopRecording() {
      if (!rec) { return; }
      rec.held = false;
      if (rec.recorder && rec.recorder.state !== "inactive") { rec.recorder.stop(); }
    }

    function asBase64(blob) {
      return new Promise(function (resolve, reject) {
        var reader = new FileReader();
        reader.onload = function () { resolve(String(reader.result).split(",")[1] || ""); };
        reader.onerror = function () { reject(reader.error); };
        reader.readAsDataURL(blob);
      });
    }

    function finishRecording(session) {
      clearInterval(session.timer);
      stopTracks(session);
      rec = null;
      recording(false);
      var seconds = Math.min(MAX_SECONDS, (Date.now() - session.started) / 1000);
      if (seconds < MIN_SECONDS) { voiceSay(S.voice_hold); return; }
      var mime = session.recorder.mimeType || (session.chunks[0] && session.chunks[0].type) || "audio/webm";
      var blob = new Blob(session.chunks, { type: mime });
      if (!blob.size) { voiceSay(S.mic_failed, "error"); return; }
      if (blob.size > MAX_BYTES) { voiceSay(S.voice_too_big, "error"); return; }
      if (offline()) { voiceSay(S.voice_offline, "error"); return; }
      voiceSay(S.voice_sending);
      asBase64(blob).then(function (audio) {
        return api("POST", "/api/channels/" + session.channel + "/voice", {
          client_id: clientId(), audio_base64: audio, mime: mime,
          seconds: Math.max(0.1, Math.round(seconds * 10) / 10) });
      }).then(function (message) {
        reached();
        mine[message.client_id] = true;
        voiceSay("");
        show(message);
      }, function (error) {
        if (error && error.status !== undefined) { noteError(error); }
        voiceSay(problem(error, S.voice_failed), "error");
      });
    }

    // ---- the websocket: an extra when it opens ---------------------------------------------

    function connect() {
      if (!current || !window.WebSocket || socket) { return; }
      var gen = generation;
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var ws;
      try {
        ws = new WebSocket(scheme + window.location.host + "/ws/channels/" + current.id);
      } catch (e) {
        retry(gen);
        return;
      }
      socket = ws;
      ws.onopen = function () {
        socketTries = 0;
        expose.socket = "open";
        renderState();
      };
      ws.onmessage = function (event) {
        if (gen !== generation) { return; }
        var frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        if (frame && frame.type === "message") { reached(); show(frame); }
      };
      ws.onclose = function () {
        if (socket !== ws) { return; }
        socket = null;
        expose.socket = "closed";
        renderState();
        retry(gen);
      };
    }

    function retry(gen) {
      socketTries += 1;
      clearTimeout(socketTimer);
      socketTimer = setTimeout(function () {
        if (gen === generation) { connect(); }
      }, Math.min(30000, 1500 * Math.pow(2, socketTries)));
    }

    function closeSocket() {
      clearTimeout(socketTimer);
      if (socket) {
        var old = socket;
        socket = null;
        old.onclose = null;
        old.close();
      }
      expose.socket = "closed";
    }

    // ---- the state line and the wiring -----------------------------------------------------

    function renderState() {
      var state = offline() ? "offline" : (expose.socket === "open" ? "live" : "polling");
      ui.state.setAttribute("data-state", state);
      ui.state.textContent = state === "offline" ? (queue ? S.offline_queue : S.offline) : S[state];
      root.setAttribute("data-state", state);
      relabelPending();
      ui.record.disabled = state === "offline" || !current;
      if (state === "offline" && !rec) {
        voiceSay(S.voice_offline, "offline");
      } else if (ui.voice.getAttribute("data-kind") === "offline") {
        voiceSay("");
      }
    }

    ui.tabs.addEventListener("click", function (event) {
      var tab = event.target.closest("[data-channel-id]");
      if (!tab) { return; }
      var id = Number(tab.getAttribute("data-channel-id"));
      chosenByHand = true;
      if (current && current.id === id) { return; }
      choose(expose.channels.filter(function (c) { return c.id === id; })[0] || null);
    });
    ui.tabs.addEventListener("keydown", function (event) {
      var tabs = Array.prototype.slice.call(ui.tabs.children);
      var at = tabs.indexOf(document.activeElement);
      if (at < 0) { return; }
      var step = { ArrowRight: fa ? -1 : 1, ArrowLeft: fa ? 1 : -1, ArrowDown: 1, ArrowUp: -1 }[event.key];
      if (!step) { return; }
      event.preventDefault();
      var next = tabs[(at + step + tabs.length) % tabs.length];
      next.focus();
      next.click();
    });
    ui.form.addEventListener("submit", send);
    ui.text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { send(event); }
    });
    ui.record.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || ui.record.disabled) { return; }
      event.preventDefault();
      try { ui.record.setPointerCapture(event.pointerId); } catch (e) { /* not capturable */ }
      startRecording();
    });
    ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (name) {
      ui.record.addEventListener(name, stopRecording);
    });
    ui.record.addEventListener("contextmenu", function (event) { event.preventDefault(); });
    ui.record.addEventListener("keydown", function (event) {
      if ((event.key === " " || event.key === "Enter") && !event.repeat) {
        event.preventDefault();
        startRecording();
      }
    });
    ui.record.addEventListener("keyup", function (event) {
      if (event.key === " " || event.key === "Enter") { stopRecording(); }
    });
    window.addEventListener("online", function () {
      network = "up";
      renderState();
      loadChannels();
      poll();
      pollSoon();
    });
    window.addEventListener("offline", renderState);

    var ticks = 0;
    setInterval(function () {
      ticks += 1;
      var slow = ticks % SLOW_EVERY === 0;
      if (expose.socket !== "open" || slow) { poll(); }
      if (slow || !current) { loadChannels(); }
    }, POLL_MS);

    renderState();
    restoreQueued().then(loadChannels);
    return expose;
  }

  function build(root, S) {
    root.classList.add("channels");
    var ui = {};
    ui.tabs = el("div", { "class": "channel-tabs", role: "tablist", "aria-label": S.channels || "" });
    ui.state = el("p", { "class": "channel-state small", id: "channel-state", "aria-live": "polite" });
    ui.none = el("p", { "class": "empty", id: "channel-none", hidden: "" }, S.none);
    ui.body = el("div", { "class": "channel-body", hidden: "" });
    ui.list = el("ol", { "class": "channel-messages", id: "channel-messages", "aria-live": "polite",
                         "data-empty": S.empty || "" });
    ui.form = el("form", { "class": "channel-compose", id: "channel-form", novalidate: "" });
    var label = el("label", { "for": "channel-text", "class": "visually-hidden" }, S.text_label);
    ui.text = el("textarea", { id: "channel-text", rows: "2", maxlength: "2000", dir: "auto",
                               placeholder: S.placeholder || "", autocomplete: "off" });
    ui.send = el("button", { type: "submit", "class": "button channel-send", id: "channel-send" }, S.send);
    ui.record = el("button", { type: "button", "class": "button button-quiet channel-record",
                               id: "channel-record", "aria-pressed": "false",
                               "data-recording": "false", "aria-describedby": "channel-voice-state" });
    ui.record.textContent = S.record;
    ui.voice = el("p", { "class": "channel-voice-state small", id: "channel-voice-state",
                         "aria-live": "polite" });
    ui.error = el("p", { "class": "alert alert-error small channel-error", id: "channel-error",
                         role: "alert", hidden: "" });
    ui.form.append(label, ui.text, ui.send, ui.record);
    ui.body.append(ui.list, ui.form, ui.voice, ui.error);
    Array.prototype.slice.call(root.children).forEach(function (child) {
      if (child.tagName !== "SCRIPT") { child.remove(); }
    });
    root.append(ui.tabs, ui.state, ui.none, ui.body);
    return ui;
  }

  window.PanahChannels = { mount: mount };

  // The pages' own element: the field app passes its outbox (field.js, loaded before).
  function autoMount() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-panah-channels]"), function (node) {
      var strings = readStrings(node);
      var field = node.getAttribute("data-queue") === "field" && window.panahField &&
        window.panahField.enqueue ? window.panahField : null;
      mount(node, {
        lang: node.getAttribute("data-lang") || document.documentElement.lang,
        me: node.getAttribute("data-me") || "",
        strings: strings,
        queue: field ? function (url, body) {
          return field.enqueue("channel_message", url, body, strings.queued_label);
        } : null,
        waiting: field ? function () { return field.outbox(); } : null
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autoMount);
  } else {
    autoMount();
  }
})();
