/* The posts page's map: the province's counties, its posts (Nowruz posts marked with their
 * dates), and a click that sets the place of the post in the form.
 * window.panahPostsMap exposes what was drawn, for the browser tests. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("posts-map-data").textContent);
  var labels = JSON.parse(document.getElementById("posts-map-labels").textContent);
  var fa = data.lang === "fa";
  var COLOURS = { permanent: "#00838f", nowruz: "#ef6c00" };
  var state = { posts: 0, counties: 0, chosen: null, ready: false, map: null };
  window.panahPostsMap = state;

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function digits(value) {
    var text = String(value);
    return fa ? text.replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : text;
  }

  var map = L.map("map", { zoomSnap: 0.25, attributionControl: false, minZoom: 4, maxZoom: 16 });
  state.map = map;
  if (window.panahTiles) window.panahTiles(map);
  map.setView([32.5, 54.0], 5);
  var countyLayer = L.featureGroup().addTo(map);
  var postLayer = L.featureGroup().addTo(map);
  var chosenMarker = null;

  data.posts.forEach(function (post) {
    var first = fa ? post.name_fa : post.name_en;
    var html = "<strong dir=\"auto\">" + escapeHtml(first) + "</strong><br>" +
      escapeHtml(labels[post.kind]) + " · <bdi dir=\"ltr\">" + escapeHtml(post.code) + "</bdi>";
    if (post.dates) html += "<br><span class=\"post-dates\">" + escapeHtml(post.dates) + "</span>";
    if (post.units.length) html += "<br>" + escapeHtml(labels.units) + ": " + escapeHtml(post.units.join("، "));
    var marker = L.circleMarker([post.lat, post.lon], {
      radius: post.kind === "nowruz" ? 8 : 6, color: COLOURS[post.kind], weight: 2,
      fillColor: COLOURS[post.kind], fillOpacity: post.kind === "nowruz" ? 0.35 : 0.8
    }).bindPopup(html).addTo(postLayer);
    if (post.dates) {
      marker.bindTooltip(escapeHtml(post.dates), { permanent: false, direction: "top" });
    }
    state.posts += 1;
  });

  function fit() {
    var bounds = postLayer.getBounds();
    if (countyLayer.getLayers().length) bounds = countyLayer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], animate: false });
  }
  fit();

  var latInput = document.getElementById("lat");
  var lonInput = document.getElementById("lon");

  function choose(lat, lon) {
    latInput.value = lat.toFixed(5);
    lonInput.value = lon.toFixed(5);
    if (chosenMarker) chosenMarker.remove();
    chosenMarker = L.marker([lat, lon]).bindTooltip(escapeHtml(labels.chosen) + " " +
      digits(lat.toFixed(4)) + "، " + digits(lon.toFixed(4))).addTo(map);
    state.chosen = [lat, lon];
  }

  map.on("click", function (event) { choose(event.latlng.lat, event.latlng.lng); });
  if (latInput.value && lonInput.value && !isNaN(+latInput.value) && !isNaN(+lonInput.value)) {
    choose(+latInput.value, +lonInput.value);
  }

  function done() { state.ready = true; }
  if (!data.province) { done(); return; }
  fetch("/api/geo/counties.geojson?province=" + encodeURIComponent(data.province),
        { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (geojson) {
      if (geojson) {
        L.geoJSON(geojson, {
          style: { color: "#607d8b", weight: 1, fillOpacity: 0.04 },
          interactive: false
        }).addTo(countyLayer);
        state.counties = countyLayer.getLayers().length;
        countyLayer.bringToBack();
        fit();
      }
    })
    .catch(function () { /* the posts and the click work without the outlines */ })
    .then(done);
})();
