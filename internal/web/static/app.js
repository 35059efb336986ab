// The console's script: progressive enhancement only; every page works
// without it. A table body with data-stream follows that server-sent
// event stream: each "decision" event is a table row the server rendered
// (and escaped), put on top unless the page already has it.
"use strict";
(function () {
  var keep = 50;
  document.querySelectorAll("[data-stream]").forEach(function (body) {
    if (!window.EventSource) return;
    var es = new EventSource(body.dataset.stream);
    es.addEventListener("decision", function (e) {
      var t = document.createElement("template");
      t.innerHTML = e.data;
      var row = t.content.firstElementChild;
      if (!row || (row.id && document.getElementById(row.id))) return;
      row.classList.add("new");
      body.insertBefore(row, body.firstChild);
      while (body.children.length > keep) body.removeChild(body.lastElementChild);
      body.setAttribute("data-received", String(Number(body.getAttribute("data-received") || "0") + 1));
    });
    es.addEventListener("ended", function () {
      es.close();
      window.location.reload();
    });
  });
  // A barrier opened by hand needs a reason: say so before the request.
  document.querySelectorAll(".lane-form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var cmd = e.submitter && e.submitter.value;
      var reason = form.querySelector("[name=reason]");
      if ((cmd === "open" || cmd === "hold_open") && !reason.value.trim()) {
        e.preventDefault();
        reason.setCustomValidity(reason.placeholder);
        reason.reportValidity();
        reason.addEventListener("input", function () { reason.setCustomValidity(""); }, { once: true });
      }
    });
  });
})();
