// The public help page. Keeps nothing: no cookies, no storage; the chat token and the
// visitor's own token live in this page's memory only. Quick exit replaces the page so
// "back" does not return here. window.panahHelp exposes what happened, for the browser tests.
(function () {
  "use strict";
  var text = JSON.parse(document.getElementById("help-text").textContent);
  var fa = text.lang === "fa";
  var where = null;
  var socket = null;
  var chat = null; // { id, token, state }
  var $ = function (id) { return document.getElementById(id); };
  var state = { visitor: visitorToken(), chat: null, states: [], limited: null };
  window.panahHelp = state;

  // One random token per page load, counted by the server against a limit per visitor.
  function visitorToken() {
    var bytes = new Uint8Array(18);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var raw = "";
    bytes.forEach(function (b) { raw += String.fromCharCode(b); });
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  $("quick-exit").addEventListener("click", function () {
    document.body.innerHTML = "";
    window.location.replace($("quick-exit").dataset.target || "about:blank");
  });

  $("share-location").addEventListener("click", function () {
    if (!navigator.geolocation) { $("location-status").textContent = text.unsupported; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      where = { lat: pos.coords.latitude, lon: pos.coords.longitude,
                accuracy_m: Math.round(pos.coords.accuracy || 0) };
      $("location-status").textContent = text.shared.replace("{m}", where.accuracy_m);
    }, function () { $("location-status").textContent = text.denied; },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  function said(body) { return body && (fa ? body.message_fa : body.message); }

  // Over the limit: say why, and show the numbers to call now, at the top of the page.
  function limited(body) {
    state.limited = body;
    $("limited-message").textContent = said(body) || text.failed;
    $("limited").hidden = false;
    $("limited").scrollIntoView({ block: "start" });
  }

  function post(url, body) {
    body.visitor = state.visitor;
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
                        body: JSON.stringify(body), credentials: "omit" })
      .then(function (r) {
        return r.json().catch(function () { return null; }).then(function (b) {
          return { ok: r.ok, status: r.status, body: b };
        });
      });
  }

  function showState(value) {
    if (!chat) { return; }
    chat.state = value;
    state.states.push(value);
    var status = $("chat-status");
    status.dataset.state = value;
    if (value === "closed") { ended(); return; }
    if (value === "assigned" || value === "answered" || value === "wrap_up") {
      status.textContent = text.taken;
    }
  }

  // The counsellor closed the conversation: say so, offer a new one and the numbers.
  function ended() {
    $("chat-status").textContent = text.ended;
    $("chat-input").disabled = true;
    $("chat-send").disabled = true;
    $("chat-ended").hidden = false;
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
  }

  function show(frame) {
    if (frame.type === "message") {
      var item = document.createElement("li");
      item.className = "msg msg-" + frame.sender;
      item.dataset.sender = frame.sender;
      item.textContent = frame.text;
      $("chat-log").appendChild(item);
      if (frame.sender === "counsellor" && chat && chat.state !== "closed") {
        $("chat-status").textContent = text.taken;
      }
    } else if (frame.type === "state") {
      showState(frame.state);
    } else if (frame.type === "error") {
      $("chat-status").textContent = frame.message_fa + " / " + frame.message;
    }
  }

  function connect(current) {
    if (chat !== current || current.state === "closed") { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/help/chats/" + current.id +
                           "?token=" + encodeURIComponent(current.token));
    socket.onmessage = function (event) { show(JSON.parse(event.data)); };
    socket.onclose = function () { setTimeout(function () { connect(current); }, 2000); };
  }

  $("start-chat").addEventListener("click", function () {
    var message = $("message").value.trim();
    if (!message) { $("message").focus(); return; }
    var body = { message: message, in_danger: $("in-danger").checked,
                 wants_woman: $("wants-woman").checked, language: $("language").value };
    if (where) { body.lat = where.lat; body.lon = where.lon; body.accuracy_m = where.accuracy_m; }
    $("start-chat").disabled = true;
    $("chat-error").hidden = true;
    post("/api/help/chats", body).then(function (result) {
      $("start-chat").disabled = false;
      if (result.status === 429) { limited(result.body); return; }
      if (!result.ok) { throw new Error(said(result.body) || text.failed); }
      $("limited").hidden = true;
      chat = { id: result.body.contact_id, token: result.body.token, state: "queued" };
      state.chat = result.body.contact_id;
      $("chat-start").hidden = true;
      $("chat").hidden = false;
      connect(chat);
      $("chat-input").focus();
    }).catch(function (error) {
      $("start-chat").disabled = false;
      $("chat-error").hidden = false;
      $("chat-error").textContent = error.message || text.failed;
    });
  });

  // After the end: back to the start, with nothing of the old conversation on the page.
  $("chat-again").addEventListener("click", function () {
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
    chat = null;
    state.chat = null;
    $("chat-log").textContent = "";
    $("chat-status").textContent = text.waiting;
    $("chat-status").dataset.state = "queued";
    $("chat-input").disabled = false;
    $("chat-send").disabled = false;
    $("chat-ended").hidden = true;
    $("chat").hidden = true;
    $("message").value = "";
    $("chat-start").hidden = false;
    $("message").focus();
  });

  function send() {
    var message = $("chat-input").value.trim();
    if (!message || !socket || socket.readyState !== 1) { return; }
    socket.send(JSON.stringify({ type: "message", text: message }));
    $("chat-input").value = "";
  }
  $("chat-send").addEventListener("click", send);
  $("chat-input").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(); }
  });

  $("report-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = { what: $("report-what").value.trim(),
                 place: $("report-place").value.trim() || null,
                 when: $("report-when").value.trim() || null };
    if (where) { body.lat = where.lat; body.lon = where.lon; }
    post("/api/help/reports", body).then(function (result) {
      if (result.status === 429) {
        $("report-status").textContent = said(result.body) || text.failed;
        limited(result.body);
        return;
      }
      $("report-status").textContent = result.ok ? text.reported : text.failed;
      if (result.ok) { $("report-form").reset(); }
    }).catch(function () { $("report-status").textContent = text.failed; });
  });
})();
