// The cycle page's map of funded projects (progressive enhancement: the table of projects is the page's
// content; the map is added above it only when Leaflet loaded and a tile server is configured).
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("pb-map");
    var data = document.getElementById("pb-markers");
    if (!box || !data || !window.L || !box.dataset.tileUrl) { return; }
    var points;
    try { points = JSON.parse(data.textContent); } catch (e) { return; }
    if (!points.length) { return; }
    box.hidden = false;
    var map = window.L.map(box, { scrollWheelZoom: false });
    window.L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    var bounds = [];
    points.forEach(function (p) {
      var marker = window.L.marker([p.lat, p.lng], { title: p.title }).addTo(map);
      var link = document.createElement("a");
      link.href = "#project-" + p.pk;
      link.textContent = p.title;
      var text = document.createElement("div");
      text.appendChild(link);
      text.appendChild(document.createTextNode(" · " + p.stage));
      marker.bindPopup(text);
      bounds.push([p.lat, p.lng]);
    });
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
