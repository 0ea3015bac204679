/* Catalogue search, enhanced: results without a full reload, the URL kept in sync, the back button,
   and an accessible combobox for suggestions. Without this file the GET form works the same. */
(function () {
  "use strict";
  var form = document.getElementById("m018-search");
  if (!form || !window.fetch || !window.history.pushState) return;
  var region = document.getElementById("m018-search-region");
  var status = document.getElementById("m018-search-status");
  var FRAGMENT = "fragment";
  var pending = null;
  /* Wide screens show the filters beside the results; phones keep them folded in «Filtri (n)», results first. */
  var wide = window.matchMedia("(min-width: 992px)");
  document.documentElement.classList.add("m018-js");

  function panel() {
    return document.getElementById("m018-filters");
  }
  if (wide.matches && panel()) panel().open = true;

  function formUrl() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      entries.push([name, value]);
    });
    /* An empty `category` only matters on a category page with no category ticked ("all categories"). */
    var anyCategory = entries.some(function (entry) {
      return entry[0] === "category" && entry[1] !== "";
    });
    var params = new URLSearchParams();
    entries.forEach(function (entry) {
      if (entry[1] !== "" || (entry[0] === "category" && !anyCategory)) params.append(entry[0], entry[1]);
    });
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function fragmentUrl(url) {
    var target = new URL(url, window.location.href);
    target.searchParams.set(FRAGMENT, "1");
    return target.toString();
  }

  function load(url, push) {
    if (pending) pending.abort();
    pending = new AbortController();
    var focusedId = document.activeElement && region.contains(document.activeElement) ? document.activeElement.id : "";
    var wasOpen = panel() ? panel().open : wide.matches;
    form.classList.add("is-loading");
    return fetch(fragmentUrl(url), { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        region.innerHTML = html;
        if (panel()) panel().open = wasOpen;
        var row = region.firstElementChild;
        status.textContent = row ? row.getAttribute("data-count-text") : "";
        var q = new URL(url, window.location.href).searchParams.get("q") || "";
        if (push) window.history.pushState({ m018: true }, "", url);
        else document.getElementById("m018-q").value = q;
        var again = focusedId && document.getElementById(focusedId);
        if (again && !again.disabled) again.focus();
        else if (focusedId) status.focus();
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.href = url;
      })
      .finally(function () {
        form.classList.remove("is-loading");
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target.id === "m018-q") return;
    load(formUrl(), true);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    closeList();
    var fromPanel = panel() && panel().contains(event.submitter || document.activeElement);
    load(formUrl(), true).then(function () {
      /* «Mostra N servizi» on a phone: fold the filters and land on the count above the results. */
      if (!fromPanel || wide.matches) return;
      panel().open = false;
      status.setAttribute("tabindex", "-1");
      status.focus();
      status.scrollIntoView({ block: "start" });
    });
  });
  region.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-search-link]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    load(link.href, true).then(function () {
      status.setAttribute("tabindex", "-1");
      status.focus();
    });
  });
  window.addEventListener("popstate", function () {
    load(window.location.href, false);
  });

  /* Combobox (ARIA 1.2 pattern: list autocomplete, aria-activedescendant). */
  var input = document.getElementById("m018-q");
  var list = document.getElementById("m018-q-listbox");
  var active = -1;
  var timer = null;
  var options = [];

  function closeList() {
    list.hidden = true;
    list.innerHTML = "";
    options = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(option) {
    if (option.dataset.url) {
      window.location.href = option.dataset.url;
      return;
    }
    input.value = option.dataset.label;
    closeList();
    load(formUrl(), true);
  }

  function show(suggestions) {
    list.innerHTML = "";
    options = suggestions.map(function (suggestion, i) {
      var li = document.createElement("li");
      li.id = "m018-q-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = suggestion.url;
      li.dataset.label = suggestion.label;
      li.textContent = suggestion.label;
      var kind = document.createElement("span");
      kind.className = "m018-kind";
      kind.textContent = suggestion.kind === "provider" ? "(ente)" : "(servizio)";
      li.appendChild(kind);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(li);
      });
      list.appendChild(li);
      return li;
    });
    active = -1;
    list.hidden = options.length === 0;
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) {
      closeList();
      return;
    }
    timer = setTimeout(function () {
      fetch(input.dataset.autocompleteUrl + "?" + new URLSearchParams({ q: q }))
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === q) show(data.suggestions);
        })
        .catch(closeList);
    }, 200);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === "Escape") {
      if (!list.hidden) event.preventDefault();
      closeList();
    }
  });
  input.addEventListener("blur", function () {
    setTimeout(closeList, 150);
  });
})();
