// The seminar pages work without this file; it only adds conveniences (served from our origin: the
// Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  // After a vote the page is the POST's answer: make reload fetch the page instead of sending the form again.
  if (document.getElementById("done") && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  // Rubric: clicking a level fills the points field with the level's points (still editable inside the level).
  document.querySelectorAll("fieldset.criterion").forEach(function (fs) {
    var points = fs.querySelector("input.points");
    fs.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { if (points) { points.value = radio.dataset.points; } });
    });
  });
  // Rubric: the other raters' spread, refreshed every 3 s (text only, never markup).
  var panel = document.getElementById("spread");
  if (!panel) { return; }
  function refresh() {
    fetch(panel.dataset.url, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.criteria.forEach(function (c) {
          var row = panel.querySelector('tr[data-criterion="' + c.id + '"]');
          if (!row) { return; }
          var parts = Object.keys(c.scores).map(function (r) { return r + ": " + c.scores[r]; });
          row.querySelector(".scores").textContent = c.source === "audience" ? "(" + c.n + " votes)" : parts.join(", ");
          row.querySelector(".mean").textContent = c.mean;
          row.querySelector(".spread").textContent = c.spread;
          row.querySelector(".flag").textContent = c.flagged ? "disagreement" : "";
        });
        panel.dataset.updated = String(Date.now());
      })
      .catch(function () {});
  }
  refresh();
  setInterval(refresh, 3000);
})();
