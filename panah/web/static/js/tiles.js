// Streets under a map, from the deployment's own tile server (a setting of the
// deployment), when it has one. Without one the maps keep their offline boundary layers and
// no page asks another server for anything. Each page calls panahTiles(map) once it has
// made its Leaflet map.
(function () {
  "use strict";

  window.panahTiles = function (map) {
    var meta = document.querySelector('meta[name="panah-tiles"]');
    if (!meta || !meta.content || !window.L) return null;
    var attribution = meta.getAttribute("data-attribution") || "";
    if (attribution) map.addControl(L.control.attribution({ prefix: false }));
    var layer = L.tileLayer(meta.content, { maxZoom: 19, attribution: attribution,
                                            className: "map-tiles" });
    layer.addTo(map);
    layer.bringToBack();
    return layer;
  };
})();
