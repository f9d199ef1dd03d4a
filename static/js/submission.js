/* Piece form enhancements for slow connections. The form works without this file.
   - autosave every 20 s when something changed (optimistic version; a conflict keeps the text and says so)
   - photos upload one by one with a progress bar; a failed photo keeps the text and the other photos
   - live preview rendered by the server exactly as readers will see it
   - the word count and "what is still missing" kept up to date while the writer types */
(function () {
  "use strict";
  var form = document.getElementById("piece-form");
  if (!form || !window.XMLHttpRequest || !window.JSON) { return; }
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var token = tokenInput ? tokenInput.value : "";
  var versionInput = form.querySelector("input[name=version]");
  var statusEl = document.getElementById("autosave-status");
  var FIELDS = ["form", "title", "theme", "body_md", "facts", "institution_name", "institution_address",
    "institution_phone", "author_name", "author_position", "author_place", "author_phone"];
  var dirty = false, saving = false, conflict = false, submitting = false;

  function say(text) { if (statusEl) { statusEl.textContent = text; } }
  function pad(n) { return n < 10 ? "0" + n : "" + n; }

  function post(url, body, contentType, onDone, onProgress) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url, true);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (contentType) { xhr.setRequestHeader("Content-Type", contentType); }
    if (onProgress && xhr.upload) { xhr.upload.onprogress = onProgress; }
    xhr.onload = function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      onDone(xhr.status, data);
    };
    xhr.onerror = function () { onDone(0, null); };
    xhr.send(body);
    return xhr;
  }

  /* --- autosave ------------------------------------------------------------------------------ */
  function collect() {
    var data = { version: parseInt(versionInput.value, 10), captions: {} };
    FIELDS.forEach(function (name) {
      var el = form.elements[name];
      if (el) { data[name] = el.value; }
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-caption-id]"), function (el) {
      data.captions[el.getAttribute("data-caption-id")] = el.value;
    });
    return data;
  }

  function showConflict(message) {
    conflict = true;
    var box = document.getElementById("conflict");
    if (!box) {
      box = document.createElement("div");
      box.id = "conflict";
      box.className = "flash flash-error";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = message;
    say(message);
  }

  function autosave() {
    if (!dirty || saving || conflict || submitting) { return; }
    saving = true;
    dirty = false;
    post(form.getAttribute("data-autosave-url"), JSON.stringify(collect()), "application/json", function (status, data) {
      saving = false;
      window.setTimeout(releaseSubmit, 0);
      if (status === 200 && data) {
        versionInput.value = data.version;
        if (data.missing) { serverMissing(data.missing); }
        var now = new Date();
        say("Tersimpan otomatis " + pad(now.getHours()) + "." + pad(now.getMinutes()));
      } else if (status === 409) {
        showConflict((data && data.error) || "Tulisan ini sudah diubah di tempat lain. Teks Anda tetap di halaman ini.");
      } else {
        dirty = true;
        say((data && data.error) || "Belum tersimpan: koneksi terputus. Teks tetap di halaman ini dan akan dicoba lagi.");
      }
    });
  }

  function markDirty(e) {
    if (e.target && e.target.type === "file") { return; }
    dirty = true;
  }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  /* A submit that leaves while an autosave is in flight would carry the old version and be refused as a
     conflict: hold the submit until the autosave answers, then send it with the new version. */
  var submitHeld = false, heldButton = null;
  form.addEventListener("submit", function (e) {
    if (saving && form.requestSubmit) {
      e.preventDefault();
      submitHeld = true;
      heldButton = e.submitter || null;
      say("Menyimpan dulu…");
      return;
    }
    submitting = true;
  });
  function releaseSubmit() {
    if (!submitHeld) { return; }
    submitHeld = false;
    if (conflict) { return; }  /* the conflict message stays; the writer decides */
    if (heldButton) { form.requestSubmit(heldButton); } else { form.requestSubmit(); }
  }
  window.setInterval(autosave, 20000);
  window.addEventListener("beforeunload", function (e) {
    if ((dirty || saving) && !submitting) { e.preventDefault(); e.returnValue = ""; }
  });

  /* --- photos, one by one ---------------------------------------------------------------------- */
  var uploader = document.getElementById("js-uploader");
  var plain = document.getElementById("plain-uploads");
  var input = document.getElementById("js-photo-input");
  var queueEl = document.getElementById("upload-queue");
  var list = document.getElementById("photo-list");
  var maxPhotos = parseInt(form.getAttribute("data-photos-max"), 10) || 5;
  var maxBytes = parseInt(form.getAttribute("data-photo-max-bytes"), 10) || 0;
  var queue = [], busy = false;

  function photoCount() { return list ? list.querySelectorAll("figure").length : 0; }

  function addFigure(photo) {
    var fig = document.createElement("figure");
    fig.className = "photo-item";
    var img = document.createElement("img");
    img.src = photo.thumb;
    img.alt = photo.caption || "";
    var cap = document.createElement("figcaption");
    var label = document.createElement("label");
    label.setAttribute("for", "caption_" + photo.id);
    label.textContent = "Keterangan foto " + photoCount();
    var text = document.createElement("input");
    text.type = "text";
    text.id = "caption_" + photo.id;
    text.name = "caption_" + photo.id;
    text.maxLength = 300;
    text.value = photo.caption || "";
    text.setAttribute("data-caption-id", photo.id);
    var del = document.createElement("button");
    del.type = "submit";
    del.name = "action";
    del.value = "delete:" + photo.id;
    del.className = "btn small danger";
    del.textContent = "Hapus";
    cap.appendChild(label);
    cap.appendChild(text);
    cap.appendChild(del);
    fig.appendChild(img);
    fig.appendChild(cap);
    list.appendChild(fig);
    label.textContent = "Keterangan foto " + photoCount();
    text.focus();
    updateMissing();
  }

  function next() {
    if (busy || !queue.length) { return; }
    var item = queue.shift();
    if (photoCount() >= maxPhotos) {
      item.fail("Sudah " + maxPhotos + " foto (maksimal). Hapus satu foto dulu.");
      next();
      return;
    }
    if (maxBytes && item.file.size > maxBytes) {
      item.fail("Terlalu besar (" + (item.file.size / 1048576).toFixed(1) + " MB). Kecilkan lalu coba lagi.");
      next();
      return;
    }
    busy = true;
    var body = new FormData();
    body.append("photo", item.file);
    post(form.getAttribute("data-upload-url"), body, null, function (status, data) {
      busy = false;
      if (status === 200 && data && data.photo) {
        item.done();
        addFigure(data.photo);
      } else if (status === 413) {
        item.fail("Berkas terlalu besar untuk dikirim. Kecilkan lalu coba lagi.");
      } else {
        item.fail((data && data.error) || "Gagal mengunggah (koneksi terputus?). Foto lain dan teks Anda tidak hilang; pilih foto ini lagi.");
      }
      next();
    }, function (e) {
      if (e.lengthComputable) { item.progress.value = Math.round(100 * e.loaded / e.total); }
    });
  }

  function enqueue(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name + " ";
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    var msg = document.createElement("span");
    msg.className = "small";
    li.appendChild(name);
    li.appendChild(progress);
    li.appendChild(msg);
    queueEl.appendChild(li);
    queue.push({
      file: file,
      progress: progress,
      done: function () { progress.value = 100; msg.textContent = " selesai"; },
      fail: function (text) { msg.className = "error"; msg.textContent = text; progress.hidden = true; }
    });
  }

  if (uploader && plain && input && list) {
    uploader.hidden = false;
    plain.hidden = true;
    Array.prototype.forEach.call(plain.querySelectorAll("input"), function (el) { el.disabled = true; });
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, enqueue);
      input.value = "";
      next();
    });
  }

  /* --- word count and what is still missing ------------------------------------------------------ */
  /* The server's count (portal/text.py word_count) is re.findall(r"\w+"): runs of Unicode letters, digits and
     underscores, so "gotong-royong" is two words, "1.500" two, "**penting**" one. Counted the same way here. */
  var WORD = /[\p{L}\p{N}_]+/gu;
  function wordCount(text) {
    var found = (text || "").match(WORD);
    return found ? found.length : 0;
  }

  var checks = null;
  try { checks = JSON.parse(form.getAttribute("data-checks") || "null"); } catch (e) { checks = null; }
  var body = form.elements.body_md;
  var countNumber = document.getElementById("word-count-n");
  var missingBox = document.getElementById("missing-box");
  var missingList = document.getElementById("missing-list");
  var missingCount = document.getElementById("missing-count");
  /* What only the server knows (photo sizes, media length): kept as the page or the last autosave gave it. */
  var BROWSER_CODES = ["title", "words", "media", "photos_min", "photos_max", "photo_caption"];
  var serverOnly = [];

  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)[ds]/g, function (all, name) {
      return values.hasOwnProperty(name) ? String(values[name]) : all;
    });
  }
  function isBrowserCode(code) {
    return BROWSER_CODES.indexOf(code) >= 0 ||
      (checks !== null && checks.required.some(function (pair) { return pair[0] === code; }));
  }
  function serverMissing(items) {
    serverOnly = items.filter(function (m) { return !isBrowserCode(m.code); });
    updateMissing();
  }
  function value(name) {
    var el = form.elements[name];
    return el && typeof el.value === "string" ? el.value : "";
  }

  /* The same rules, in the same order, as check_requirements (portal/submissions/requirements.py); the server's
     own findings go where it puts them (media length with the content, photo sizes with the photos). */
  function missingNow() {
    var m = checks.messages, out = [];
    function add(code, message) { out.push({ code: code, message: message }); }
    var pieceForm = value("form") || "artikel";
    if (!value("title").trim()) { add("title", m.title); }
    if (checks.word_forms.indexOf(pieceForm) >= 0) {
      var words = wordCount(value("body_md"));
      if (words < checks.min_words) {
        add("words", fill(m.words, { words: words, min: checks.min_words, more: checks.min_words - words }));
      }
    } else if (!checks.has_media) {
      add("media", m.media);
    } else if (checks.timed_media.indexOf(pieceForm) >= 0) {
      serverOnly.forEach(function (s) { if (s.code === "media_duration") { out.push(s); } });
    }
    var n = photoCount();
    if (n < checks.photos_min) { add("photos_min", fill(m.photos_min, { n: n, min: checks.photos_min })); }
    if (n > checks.photos_max) {
      add("photos_max", fill(m.photos_max, { n: n, max: checks.photos_max, more: n - checks.photos_max }));
    }
    serverOnly.forEach(function (s) { if (s.code !== "media_duration") { out.push(s); } });
    Array.prototype.forEach.call(form.querySelectorAll("#photo-list [data-caption-id]"), function (el, i) {
      if (!el.value.trim()) { add("photo_caption", fill(m.photo_caption, { n: i + 1 })); }
    });
    checks.required.forEach(function (pair) {
      if (!value(pair[1]).trim()) { add(pair[0], m[pair[0]]); }
    });
    return out;
  }

  var shown = "";
  function updateMissing() {
    if (!checks || !missingBox || !missingList) { return; }
    var items = missingNow();
    var key = JSON.stringify(items);
    if (key === shown) { return; }
    shown = key;
    while (missingList.firstChild) { missingList.removeChild(missingList.firstChild); }
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-code", item.code);
      li.textContent = item.message;
      missingList.appendChild(li);
    });
    if (missingCount) { missingCount.textContent = String(items.length); }
    missingBox.hidden = items.length === 0;
  }
  function updateCount() {
    if (countNumber && body) { countNumber.textContent = String(wordCount(body.value)); }
  }

  if (checks && missingList) {
    Array.prototype.forEach.call(missingList.querySelectorAll("li[data-code]"), function (li) {
      var code = li.getAttribute("data-code");
      if (!isBrowserCode(code)) { serverOnly.push({ code: code, message: li.textContent }); }
    });
  }
  form.addEventListener("input", function () { updateCount(); updateMissing(); });
  form.addEventListener("change", updateMissing);
  updateCount();
  updateMissing();

  /* --- live preview ------------------------------------------------------------------------------ */
  var preview = document.getElementById("live-preview");
  var previewBody = document.getElementById("preview-body");
  var timer = null;
  if (body && preview && previewBody) {
    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var sent = body.value;
        var data = "body_md=" + encodeURIComponent(sent);
        post(form.getAttribute("data-preview-url"), data, "application/x-www-form-urlencoded", function (status, r) {
          if (status === 200 && r) {
            previewBody.innerHTML = r.html; /* sanitised by the server (python-markdown then nh3) */
            preview.hidden = false;
            /* The server's count of the text still on the page is the authority. */
            if (countNumber && body.value === sent) { countNumber.textContent = String(r.words); }
          }
        });
      }, 1500);
    });
  }
}());
