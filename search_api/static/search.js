// Type-ahead for the search box (titles from /api/suggest) and auto-submitting selects.
// Plain script, no library; the pages work without it.
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // On a phone the filters start folded, so the results come first.
  var panel = document.querySelector(".facets-panel");
  if (panel && window.matchMedia("(max-width: 47.99rem)").matches) { panel.open = false; }

  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list) { return; }
  var timer = null;
  var active = -1;
  var latest = 0;

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function mark(index) {
    var items = list.querySelectorAll("li");
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) { input.setAttribute("aria-activedescendant", items[index].id); }
  }

  function show(suggestions) {
    list.textContent = "";
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = "/records/" + encodeURIComponent(s.id);
      a.textContent = s.text;  // text, never HTML
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
    active = -1;
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (!text || text.length > 100) { close(); return; }
    var ticket = ++latest;
    fetch("/api/suggest?" + new URLSearchParams({ q: text, size: "8" }), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (ticket === latest) { show(data.suggestions || []); } })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    var items = list.querySelectorAll("li");
    if (list.hidden || !items.length) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); mark((active + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark((active - 1 + items.length) % items.length); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].querySelector("a").href;
    }
  });
  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== input) { close(); }
  });
})();
