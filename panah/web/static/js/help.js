// The public help page. Keeps nothing: no cookies, no storage; the chat token lives in
// this page's memory only. Quick exit replaces the page so "back" does not return here.
(function () {
  "use strict";
  var text = JSON.parse(document.getElementById("help-text").textContent);
  var where = null;
  var socket = null;
  var $ = function (id) { return document.getElementById(id); };

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

  function show(frame) {
    if (frame.type === "message") {
      var item = document.createElement("li");
      item.className = "msg msg-" + frame.sender;
      item.dataset.sender = frame.sender;
      item.textContent = frame.text;
      $("chat-log").appendChild(item);
      if (frame.sender === "counsellor") { $("chat-status").textContent = text.taken; }
    } else if (frame.type === "error") {
      $("chat-status").textContent = frame.message_fa + " / " + frame.message;
    }
  }

  function connect(id, token) {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/help/chats/" + id +
                           "?token=" + encodeURIComponent(token));
    socket.onmessage = function (event) { show(JSON.parse(event.data)); };
    socket.onclose = function () { setTimeout(function () { connect(id, token); }, 2000); };
  }

  $("start-chat").addEventListener("click", function () {
    var message = $("message").value.trim();
    if (!message) { $("message").focus(); return; }
    var body = { message: message, in_danger: $("in-danger").checked,
                 wants_woman: $("wants-woman").checked, language: $("language").value };
    if (where) { body.lat = where.lat; body.lon = where.lon; body.accuracy_m = where.accuracy_m; }
    $("start-chat").disabled = true;
    fetch("/api/help/chats", { method: "POST", headers: { "Content-Type": "application/json" },
                               body: JSON.stringify(body), credentials: "omit" })
      .then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
      .then(function (result) {
        if (!result[0]) { throw new Error(result[1].message_fa || text.failed); }
        $("chat-start").hidden = true;
        $("chat").hidden = false;
        connect(result[1].contact_id, result[1].token);
        $("chat-input").focus();
      })
      .catch(function (error) {
        $("start-chat").disabled = false;
        $("chat-error").hidden = false;
        $("chat-error").textContent = error.message || text.failed;
      });
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
    fetch("/api/help/reports", { method: "POST", headers: { "Content-Type": "application/json" },
                                 body: JSON.stringify(body), credentials: "omit" })
      .then(function (r) {
        $("report-status").textContent = r.ok ? text.reported : text.failed;
        if (r.ok) { $("report-form").reset(); }
      })
      .catch(function () { $("report-status").textContent = text.failed; });
  });
})();
