// Full-text search of the book, from the index written at render time (search-index.js sets
// window.BOOK_SEARCH to [page, anchor, title, text] rows). Works from file://, offline.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var rows = window.BOOK_SEARCH || [];
  if (!input || !list) return;

  function normalise(text) {
    return text.toLowerCase().replace(/\s+/g, " ");
  }
  var haystacks = rows.map(function (row) { return normalise(row[2] + " " + row[3]); });

  function snippet(text, words) {
    var at = normalise(text).indexOf(words[0]);
    var start = Math.max(0, at - 60);
    return (start > 0 ? "…" : "") + text.slice(start, start + 160).trim() + "…";
  }

  function search() {
    var query = normalise(input.value.trim());
    list.textContent = "";
    if (query.length < 2) { status.textContent = ""; return; }
    var phrase = haystacks.map(function (h, i) { return h.indexOf(query) >= 0 ? i : -1; });
    var words = query.split(" ");
    var hits = phrase.filter(function (i) { return i >= 0; });
    if (!hits.length) {
      hits = haystacks.map(function (h, i) {
        return words.every(function (w) { return h.indexOf(w) >= 0; }) ? i : -1;
      }).filter(function (i) { return i >= 0; });
    }
    status.textContent = hits.length ? hits.length + " results" : "No results";
    hits.slice(0, 30).forEach(function (i) {
      var row = rows[i];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = row[0] + (row[1] ? "#" + row[1] : "");
      link.textContent = row[2];
      var text = document.createElement("p");
      text.textContent = snippet(row[3], [query.indexOf(" ") > 0 && phrase[i] < 0 ? words[0] : query]);
      item.appendChild(link);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  input.addEventListener("input", search);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; search(); }
  });
})();
