// Depot's own script: the CSRF header on htmx requests, browser uploads over tus, and charts.
(function () {
  "use strict";

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : null;
  }

  document.addEventListener("htmx:configRequest", function (e) {
    var token = csrf();
    if (token) e.detail.headers["X-CSRF-Token"] = token;
  });

  // htmx leaves the page alone on an error answer; say what went wrong, on the page (no dialog).
  document.addEventListener("htmx:responseError", function (e) {
    var doc = new DOMParser().parseFromString(e.detail.xhr.responseText || "", "text/html");
    var msg = doc.querySelector(".message");
    var flash = document.getElementById("flash");
    flash.textContent = (msg ? msg.textContent : "The server refused: " + e.detail.xhr.status).trim();
    flash.hidden = false;
    flash.scrollIntoView({ block: "nearest" });
  });

  // ---- tus 1.0 uploads from the dashboard ----------------------------------------------------

  var CHUNK = 8 * 1024 * 1024;

  function b64(text) {
    var bytes = new TextEncoder().encode(text), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }

  function request(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", "1.0.0");
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (onProgress) xhr.upload.onprogress = function (ev) { onProgress(ev.loaded); };
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.send(body);
    });
  }

  // The server's own words for a refusal: JSON error bodies (the native API, tus) and plain text
  // (shipper's routes) alike; a page of HTML or an empty body is named by its status.
  function problem(xhr) {
    var text = (xhr.responseText || "").trim();
    try {
      var body = JSON.parse(text);
      if (body.error && body.error.message) return body.error.message;
      if (body.message) return body.message;
      if (typeof body.detail === "string") return body.detail;
    } catch (ignored) { /* not JSON */ }
    if (text && text.length <= 500 && text.charAt(0) !== "<") return text;
    return "The server answered " + xhr.status + (xhr.statusText ? " " + xhr.statusText : "") + ".";
  }

  function megabytes(n) {
    return (n / 1e6).toFixed(n < 1e8 ? 1 : 0) + " MB";
  }

  function duration(seconds) {
    if (seconds < 60) return Math.max(1, Math.round(seconds)) + " s";
    if (seconds < 3600) return Math.round(seconds / 60) + " min";
    return (seconds / 3600).toFixed(1) + " h";
  }

  var APP_FILES = /\.(apk|aab|ipa)$/i;

  function Upload(form) {
    this.form = form;
    this.endpoint = form.dataset.endpoint;
    this.bar = form.querySelector("progress");
    this.status = form.querySelector(".upload-status");
    this.check = form.querySelector(".name-check");
    this.submit = form.querySelector("button[type=submit]");
    this.pauseButton = form.querySelector("[data-pause]");
    this.changelog = form.elements.changelog;
    this.paused = false;
    this.nameOk = null;
    var self = this;
    form.addEventListener("submit", function (e) { e.preventDefault(); self.start(); });
    this.pauseButton.addEventListener("click", function () {
      if (self.paused) { self.paused = false; self.pauseButton.textContent = "Pause"; self.start(); }
      else { self.paused = true; self.pauseButton.textContent = "Resume"; }
    });
    form.elements.file.addEventListener("change", function () { self.checkName(); });
    form.elements.target.addEventListener("change", function () { self.restoreChangelog(); self.checkName(); });
    // what was typed survives a reload, per destination, until its upload is done
    this.changelog.addEventListener("input", function () {
      var key = self.changelogKey();
      if (self.changelog.value) localStorage.setItem(key, self.changelog.value); else localStorage.removeItem(key);
    });
    this.restoreChangelog();
  }

  Upload.prototype.changelogKey = function () {
    return "depot-changelog:" + this.form.elements.target.value;
  };

  Upload.prototype.restoreChangelog = function () {
    var kept = localStorage.getItem(this.changelogKey());
    if (kept && !this.changelog.value) this.changelog.value = kept;
  };

  Upload.prototype.say = function (text, error) {
    this.status.textContent = text;
    this.status.className = "upload-status" + (error ? " error" : "");
  };

  Upload.prototype.verdict = function (ok, text) {
    this.nameOk = ok;
    this.check.hidden = false;
    this.check.textContent = text;
    this.check.className = "name-check " + (ok ? "ok" : "error");
    this.submit.disabled = !ok || !!this.running;
  };

  // A ROM build's name is asked of the server (its intake's own rules) as soon as the file is
  // picked, so that a refused name costs no transfer; an app build's ending is checked here.
  Upload.prototype.checkName = async function () {
    var input = this.form.elements.file;
    this.nameOk = null;
    this.check.hidden = true;
    this.submit.disabled = !!this.running;
    if (!input.files.length) return;
    var name = input.files[0].name, target = this.form.elements.target.value;
    if (target !== "ota") {
      if (APP_FILES.test(name)) this.verdict(true, "An app build (" + name.split(".").pop().toLowerCase() + ").");
      else this.verdict(false, "App builds are .apk, .aab or .ipa files; " + name + " is none of them.");
      return;
    }
    try {
      var r = await fetch("/dashboard/upload-name?name=" + encodeURIComponent(name), { headers: { "Accept": "application/json" } });
      if (input.files[0] && input.files[0].name !== name) return; // another file was picked meanwhile
      var answer = await r.json();
      this.device = answer.device;
      this.verdict(answer.ok, answer.message);
    } catch (e) {
      this.nameOk = null; // the check could not be asked: the upload's own refusal will say
    }
  };

  Upload.prototype.show = function (offset) {
    this.bar.hidden = false;
    this.bar.max = this.file.size || 1;
    this.bar.value = offset;
    var pct = this.file.size ? Math.floor(offset * 100 / this.file.size) : 100;
    var text = "Uploading " + this.file.name + ": " + pct + " %, " + megabytes(offset) + " of " + megabytes(this.file.size);
    var seconds = (performance.now() - this.clock) / 1000, sent = offset - this.clockOffset;
    if (seconds > 1 && sent > 0) {
      var rate = sent / seconds;
      text += ", " + megabytes(rate) + "/s, " + duration((this.file.size - offset) / rate) + " left";
    }
    this.say((this.resumed ? this.resumed + " " : "") + text + ".");
  };

  Upload.prototype.key = function () {
    var f = this.file;
    return "depot-upload:" + this.target + ":" + f.name + ":" + f.size + ":" + f.lastModified;
  };

  Upload.prototype.metadata = function () {
    var pairs = ["filename " + b64(this.file.name)];
    if (this.target === "ota") {
      pairs.push("target " + b64("ota"));
    } else {
      var parts = this.target.substring(4).split("/");
      pairs.push("organization " + b64(parts[0]), "app " + b64(parts[1]));
    }
    var changelog = this.changelog.value;
    if (changelog) pairs.push("changelog " + b64(changelog));
    return pairs.join(",");
  };

  Upload.prototype.start = async function () {
    var input = this.form.elements.file;
    if (!input.files.length) { this.say("Choose a file first.", true); return; }
    if (this.running) return;
    if (this.nameOk === false) { this.say(this.check.textContent, true); return; }
    this.running = true;
    this.submit.disabled = true;
    this.file = input.files[0];
    this.target = this.form.elements.target.value;
    this.pauseButton.hidden = false;
    // a broken connection is retried from the server's offset, waiting 2, 4, 8, 16, 32 s
    for (var attempt = 1; ; attempt++) {
      try {
        var url = await this.locate();
        await this.send(url);
        break;
      } catch (e) {
        if (e.message !== "network" || attempt > 5 || this.paused) {
          this.say(e.message === "network" ? "The connection broke; press Upload to resume." : e.message, true);
          break;
        }
        var wait = Math.pow(2, attempt);
        this.say("The connection broke; trying again in " + wait + " s.", true);
        await new Promise(function (r) { setTimeout(r, wait * 1000); });
      }
    }
    this.running = false;
    this.submit.disabled = this.nameOk === false;
  };

  // The upload this file already has on the server (resumed at its offset), or a new one.
  Upload.prototype.locate = async function () {
    var url = localStorage.getItem(this.key());
    if (url) {
      var head = await request("HEAD", url, {}, null);
      if (head.status === 200) {
        this.offset = parseInt(head.getResponseHeader("Upload-Offset"), 10);
        return url;
      }
      localStorage.removeItem(this.key());
    }
    var created = await request("POST", this.endpoint,
        { "Upload-Length": String(this.file.size), "Upload-Metadata": this.metadata() }, null);
    if (created.status !== 201) throw new Error(problem(created));
    // the path only: Location is built on public.url, which may name another host than the one
    // this page came from (localhost beside 127.0.0.1), and the page may only talk to its own
    url = new URL(created.getResponseHeader("Location"), location.href).pathname;
    localStorage.setItem(this.key(), url);
    this.offset = 0;
    return url;
  };

  Upload.prototype.send = async function (url) {
    var self = this;
    this.clock = performance.now();
    this.clockOffset = this.offset;
    this.resumed = this.offset > 0 && this.file.size
        ? "Resuming at " + Math.floor(this.offset * 100 / this.file.size) + " % (" + megabytes(this.offset) + " were sent before)."
        : null;
    this.show(this.offset);
    while (this.offset < this.file.size || this.file.size === 0) {
      if (this.paused) { this.say("Paused at " + Math.floor(this.offset * 100 / this.file.size) + " %."); return; }
      var end = Math.min(this.offset + CHUNK, this.file.size);
      var base = this.offset;
      var xhr = await request("PATCH", url,
          { "Upload-Offset": String(base), "Content-Type": "application/offset+octet-stream" },
          this.file.slice(base, end), function (loaded) { self.show(base + loaded); });
      if (xhr.status !== 204) {
        if (xhr.status === 404 || xhr.status === 410) localStorage.removeItem(this.key());
        throw new Error(problem(xhr));
      }
      this.offset = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
      var build = xhr.getResponseHeader("Depot-Build-Id");
      if (build) { this.done(build); return; }
      if (this.file.size === 0) break;
    }
  };

  Upload.prototype.done = function (build) {
    localStorage.removeItem(this.key());
    localStorage.removeItem(this.changelogKey());
    this.changelog.value = "";
    this.pauseButton.hidden = true;
    this.bar.value = this.bar.max;
    var ota = this.target === "ota";
    var link = ota ? "/builds/" + build : "/dashboard/apps/" + this.target.substring(4);
    this.status.className = "upload-status ok";
    this.status.textContent = "Uploaded " + this.file.name + " as build " + build + ". " + (ota
        ? "Depot now checks it (it reads the build metadata inside the zip), then lists it on the device's page and in update checks. "
        : "Depot now checks it: it reads the package's name, versions, SDKs, permissions and signature, which its page then shows. ");
    var a = document.createElement("a");
    a.href = link;
    a.textContent = ota ? "Its page" : "The app's builds";
    this.status.appendChild(a);
    if (ota) this.awaitPublished(build, this.device);
  };

  // Once the check is done the build's public page answers; the device's count on this page goes up.
  Upload.prototype.awaitPublished = async function (build, codename) {
    for (var i = 0; i < 120; i++) {
      await new Promise(function (r) { setTimeout(r, 1000); });
      var r = await fetch("/builds/" + build, { method: "HEAD" }).catch(function () { return null; });
      if (r && r.ok) {
        var count = codename && document.querySelector('li[data-codename="' + codename + '"] .published');
        if (count) count.textContent = String(parseInt(count.textContent, 10) + 1);
        this.status.appendChild(document.createTextNode(" Checked and published."));
        return;
      }
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.upload").forEach(function (f) { new Upload(f); });
    // times in the reader's own zone and language
    document.querySelectorAll("time.local").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) {
        t.textContent = d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit",
          minute: "2-digit", timeZoneName: "short" });
      }
    });
    // a button that copies its data-copy text, and says so
    document.querySelectorAll("button[data-copy]").forEach(function (b) {
      b.addEventListener("click", function () {
        var label = b.textContent;
        navigator.clipboard.writeText(b.dataset.copy).then(function () { b.textContent = "Copied"; },
            function () { b.textContent = "Select the text to copy"; });
        setTimeout(function () { b.textContent = label; }, 2000);
      });
    });
    // a menu that applies as soon as it changes (no inline handlers: the pages' CSP runs only these scripts)
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  });

  window.Depot = { csrf: csrf };
})();

// ---- statistics charts (uPlot) ---------------------------------------------------------------
(function () {
  "use strict";
  function draw(el) {
    var data = JSON.parse(el.dataset.series);
    var opts = {
      width: Math.max(280, el.clientWidth),
      height: 300,
      series: [
        {},
        { label: "Downloads", stroke: "#0b6bcb", fill: "rgba(11,107,203,0.12)", width: 2 },
        { label: "Updates", stroke: "#d97706", width: 2 }
      ],
      axes: [{}, { size: 50 }],
      scales: { x: { time: true } }
    };
    var plot = new uPlot(opts, data, el);
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(280, el.clientWidth), height: 300 });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof uPlot === "undefined") return;
    document.querySelectorAll(".chart[data-series]").forEach(draw);
  });
})();
