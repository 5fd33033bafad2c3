// The web table's live page: swaps in the live part over the table's
// WebSocket and sends commands through it. Without this script the page
// refreshes itself and forms post as usual.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.WebSocket) { return; }
  var table = live.getAttribute("data-table");
  var answer = document.getElementById("answer");
  var form = document.getElementById("cmd-form");
  var socket = null;
  var delay = 500;

  function rid() {
    var a = new Uint8Array(8);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/t/" + encodeURIComponent(table) + "/ws");
    socket.onopen = function () { delay = 500; document.body.setAttribute("data-live", "on"); };
    socket.onmessage = function (ev) {
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg.type === "live") {
        var focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.getAttribute("value") : null;
        live.innerHTML = msg.html;
        live.setAttribute("data-seq", String(msg.seq));
        if (focused) {
          var again = live.querySelector('button[value="' + focused.replace(/"/g, "") + '"]');
          if (again) { again.focus(); }
        }
      } else if (msg.type === "answer" && answer) {
        answer.textContent = msg.text;
      }
    };
    socket.onclose = function (ev) {
      document.body.setAttribute("data-live", "off");
      if (ev.code === 1008 || ev.code === 1009) {
        if (answer) { answer.textContent = "Disconnected: " + (ev.reason || ev.code) + ". Reload the page."; }
        return;
      }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }

  function send(msg) {
    if (!socket || socket.readyState !== 1) { return false; }
    msg.rid = rid();
    socket.send(JSON.stringify(msg));
    return true;
  }

  if (form) {
    form.addEventListener("submit", function (ev) {
      var by = ev.submitter;
      var msg = null;
      if (by && by.name === "opt") { msg = { opt: by.value }; }
      else if (by && by.name === "cmd") { msg = { cmd: by.value }; }
      else {
        var box = document.getElementById("cmd");
        if (!box.value.trim()) { ev.preventDefault(); return; }
        msg = { cmd: box.value };
      }
      if (send(msg)) {
        ev.preventDefault();
        if (!by || by.name !== "opt") { document.getElementById("cmd").value = ""; }
        if (answer) { answer.textContent = "…"; }
      }
    });
  }
  connect();
})();
