/* The centres of a province on a map (the organisation pages). On a centre's form a click
 * on the map sets its latitude and longitude. No internet tiles unless the deployment has
 * its own (tiles.js); the province's counties are drawn from the project's boundaries.
 * window.panahCentresMap tells the browser tests what was drawn. */
(function () {
  "use strict";

  var holder = document.getElementById("centres-map");
  var dataNode = document.getElementById("centres-map-data");
  if (!holder || !dataNode || !window.L) return;
  var data = JSON.parse(dataNode.textContent);
  var labels = JSON.parse(document.getElementById("centres-map-labels").textContent);
  var fa = document.documentElement.lang === "fa";
  var state = { centres: 0, counties: 0, picked: null, ready: false, map: null };
  window.panahCentresMap = state;

  var COLOURS = {
    line_123: "#b3261e", crisis_centre: "#7b1fa2", county_centre: "#1565c0", community_base: "#2e7d32"
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  var map = L.map(holder, { zoomSnap: 0.25, attributionControl: false, minZoom: 5, maxZoom: 16 });
  state.map = map;
  if (window.panahTiles) window.panahTiles(map);
  map.setView(data.capital, 8);
  var points = L.featureGroup().addTo(map);

  data.centres.forEach(function (c) {
    var first = fa ? c.name_fa : c.name_en;
    var marker = L.circleMarker([c.lat, c.lon], {
      radius: 7, color: "#ffffff", weight: 2, fillColor: COLOURS[c.kind] || "#455a64", fillOpacity: 0.95
    });
    marker.bindTooltip(escapeHtml(first), { direction: "top" });
    marker.bindPopup("<strong dir=\"auto\">" + escapeHtml(first) + "</strong><br>" +
      escapeHtml(labels.code) + ": <bdi dir=\"ltr\">" + escapeHtml(c.code) + "</bdi>" +
      (c.url ? "<br><a href=\"" + escapeHtml(c.url) + "\">" + escapeHtml(labels.open) + "</a>" : ""));
    marker.addTo(points);
    state.centres += 1;
  });

  var latInput = document.getElementById("centre-lat");
  var lonInput = document.getElementById("centre-lon");
  var picked = null;

  function pick(lat, lon) {
    var point = [Number(lat.toFixed(5)), Number(lon.toFixed(5))];
    if (picked) { picked.setLatLng(point); } else {
      picked = L.marker(point, { title: labels.here || "" }).addTo(map);
    }
    state.picked = point;
    return point;
  }

  if (latInput && lonInput) {
    var lat = parseFloat(latInput.value);
    var lon = parseFloat(lonInput.value);
    if (!isNaN(lat) && !isNaN(lon)) { pick(lat, lon); map.setView([lat, lon], 10); }
    holder.classList.add("map-picking");
    map.on("click", function (event) {
      var point = pick(event.latlng.lat, event.latlng.lng);
      latInput.value = String(point[0]);
      lonInput.value = String(point[1]);
    });
  } else if (data.centres.length) {
    map.fitBounds(points.getBounds().pad(0.2), { maxZoom: 10 });
  }

  fetch(data.counties_url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (geojson) {
      if (!geojson) return;
      var layer = L.geoJSON(geojson, {
        style: function () { return { color: "#0f5e6e", weight: 1, fillOpacity: 0.05 }; },
        pointToLayer: function (_feature, latlng) {
          return L.circleMarker(latlng, { radius: 3, color: "#0f5e6e", weight: 1, fillOpacity: 0.3 });
        },
        onEachFeature: function (feature, item) {
          var p = feature.properties || {};
          item.bindTooltip(escapeHtml(fa ? p.name_fa : p.name_en), { sticky: true });
          state.counties += 1;
        },
        interactive: !(latInput && lonInput)
      }).addTo(map);
      layer.bringToBack();
    })
    .catch(function () { /* the map still shows the centres */ })
    .then(function () { state.ready = true; });
})();
