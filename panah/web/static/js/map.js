/* Panah map: provinces, the counties of one province, centres and posts.
 * No internet tiles: a plain background and the project's own boundary layers.
 * window.panahMap exposes what was drawn, for people debugging and for the browser tests. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("map-data").textContent);
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var fa = data.lang === "fa";
  var state = { provinces: 0, counties: 0, centres: 0, posts: 0, approximate: null, ready: false, error: null };
  window.panahMap = state;

  var CENTRE_COLOURS = {
    line_123: "#b3261e", crisis_centre: "#7b1fa2", county_centre: "#1565c0", community_base: "#2e7d32"
  };
  var POST_COLOURS = { permanent: "#00838f", nowruz: "#ef6c00" };

  function digits(value) {
    var text = String(value);
    return fa ? text.replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : text;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function names(p) {
    var first = fa ? p.name_fa : p.name_en;
    var second = fa ? p.name_en : p.name_fa;
    return '<strong dir="auto">' + escapeHtml(first || second) + "</strong>" +
      (second && second !== first ? '<br><span dir="auto">' + escapeHtml(second) + "</span>" : "");
  }

  var map = L.map("map", { zoomSnap: 0.25, attributionControl: false, minZoom: 4, maxZoom: 14 });
  if (window.panahTiles) window.panahTiles(map);
  map.setView([32.5, 54.0], 5);
  var provinceLayer = L.featureGroup().addTo(map);
  var countyLayer = L.featureGroup().addTo(map);
  var markerLayer = L.featureGroup().addTo(map);

  function bindNames(feature, layer) {
    var p = feature.properties;
    layer.bindTooltip(names(p), { sticky: true, direction: "top" });
    layer.bindPopup(names(p) + '<br><span class="muted">' + escapeHtml(labels.code) + ": " +
      escapeHtml(p.code || p.key) + "</span>");
    layer.on("mouseover", function () { if (layer.setStyle) { layer.setStyle({ weight: 3 }); } });
    layer.on("mouseout", function () { if (layer.setStyle) { layer.setStyle({ weight: layer.options.baseWeight }); } });
  }

  function boundaryLayer(geojson, style, pointRadius) {
    return L.geoJSON(geojson, {
      style: function () { return style; },
      pointToLayer: function (_feature, latlng) {
        return L.circleMarker(latlng, Object.assign({ radius: pointRadius }, style));
      },
      onEachFeature: bindNames
    });
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(url + " answered " + response.status); }
        return response.json();
      });
  }

  function drawProvinces(geojson) {
    var style = { color: "#5d6b7a", weight: 1, baseWeight: 1, fillColor: "#fbf8f1", fillOpacity: 1 };
    boundaryLayer(geojson, style, 5).addTo(provinceLayer);
    state.provinces = geojson.features.length;
    state.approximate = Boolean(geojson.approximate);
  }

  function drawCounties(geojson) {
    var style = { color: "#1f6f8b", weight: 1.5, baseWeight: 1.5, fillColor: "#d9eef5", fillOpacity: 0.55 };
    boundaryLayer(geojson, style, 4).addTo(countyLayer);
    state.counties = geojson.features.length;
    state.approximate = state.approximate || Boolean(geojson.approximate);
  }

  function centrePopup(c) {
    var text = names(c) + "<br>" + escapeHtml(labels[c.kind] || c.kind);
    if (c.shelter_beds) { text += "<br>" + escapeHtml(labels.shelter_beds) + ": " + digits(c.shelter_beds); }
    return text;
  }

  function postPopup(p) {
    var text = names(p) + "<br>" + escapeHtml(labels[p.kind] || p.kind) + " — " +
      escapeHtml(fa ? p.county_fa : p.county_en);
    if (p.active_from) { text += "<br>" + escapeHtml(labels.active) + ": " + escapeHtml(p.active_from) + " – " + escapeHtml(p.active_to); }
    return text;
  }

  function drawMarkers() {
    // Posts first: the centres' smaller dots stay visible inside the posts' rings.
    data.posts.forEach(function (p) {
      var colour = POST_COLOURS[p.kind] || "#333";
      L.circleMarker([p.lat, p.lon], { radius: 8, color: colour, weight: 3, fillColor: "#fff", fillOpacity: 1 })
        .bindTooltip(names(p)).bindPopup(postPopup(p)).addTo(markerLayer);
    });
    data.centres.forEach(function (c) {
      var colour = CENTRE_COLOURS[c.kind] || "#333";
      L.circleMarker([c.lat, c.lon], { radius: 5, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 1 })
        .bindTooltip(names(c)).bindPopup(centrePopup(c)).addTo(markerLayer);
    });
    state.centres = data.centres.length;
    state.posts = data.posts.length;
  }

  function fit() {
    var target = countyLayer.getLayers().length ? countyLayer : provinceLayer;
    var bounds = target.getBounds();
    // No animation: the map is final (and a screenshot true) as soon as it says "ready".
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16], animate: false }); }
  }

  function finish() {
    document.getElementById("approximate-banner").hidden = !state.approximate;
    document.getElementById("map-status").textContent = labels.loaded
      .replace("{provinces}", digits(state.provinces))
      .replace("{counties}", digits(state.counties))
      .replace("{centres}", digits(state.centres))
      .replace("{posts}", digits(state.posts));
    markerLayer.bringToFront();
    fit();
    state.ready = true;
  }

  function fail(error) {
    state.error = String(error);
    document.getElementById("map-status").textContent = labels.failed;
  }

  var countyRequest = data.province
    ? fetchJson("/api/geo/counties.geojson?province=" + encodeURIComponent(data.province))
    : Promise.resolve(null);
  Promise.all([fetchJson("/api/geo/provinces.geojson"), countyRequest])
    .then(function (results) {
      drawProvinces(results[0]);
      if (results[1]) { drawCounties(results[1]); }
      drawMarkers();
      finish();
    })
    .catch(fail);

  var picker = document.querySelector("[data-autosubmit]");
  if (picker) { picker.addEventListener("change", function () { picker.form.submit(); }); }
})();
