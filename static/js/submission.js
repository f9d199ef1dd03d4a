/* Piece form enhancements for slow connections. The form works without this file.
   - what the writer types is kept on this device (localStorage, per user and piece) until the server has it, and
     offered back after a reload or a crash; the indicator says whether the last change is on the server
   - autosave a few seconds after the writer pauses (at most 20 s after a change), again as soon as the link
     returns (optimistic version; a conflict keeps the text and says so)
   - photos shrunk in the browser to the size the portal keeps (JPEG, upright), then uploaded one by one with a
     progress bar; a failed upload keeps its caption and is retried when the connection returns, or by hand
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
  var TEXTS = {};
  try { TEXTS = JSON.parse(form.getAttribute("data-texts") || "{}"); } catch (e) { TEXTS = {}; }
  var lang = document.documentElement.lang || "id";

  function t(key, values) { return fill(TEXTS[key] || key, values || {}); }
  function online() { return navigator.onLine !== false; }
  function when(date) {  /* "10.42" today, "3 Des 10.42" another day, in the page's language */
    var opts = { hour: "2-digit", minute: "2-digit" };
    if (date.toDateString() !== new Date().toDateString()) { opts.day = "numeric"; opts.month = "short"; }
    try { return date.toLocaleString(lang, opts); } catch (e) { return date.toISOString().slice(0, 16).replace("T", " "); }
  }
  function show(state, text) {  /* the indicator is a polite live region: only a real change is announced */
    if (!statusEl || (statusEl.textContent === text && statusEl.getAttribute("data-state") === state)) { return; }
    statusEl.textContent = text;
    statusEl.setAttribute("data-state", state);
  }

  function post(url, body, contentType, onDone, onProgress, timeout) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url, true);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (contentType) { xhr.setRequestHeader("Content-Type", contentType); }
    if (onProgress && xhr.upload) { xhr.upload.onprogress = onProgress; }
    if (timeout) { xhr.timeout = timeout; }
    xhr.onload = function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      onDone(xhr.status, data);
    };
    xhr.onerror = xhr.ontimeout = function () { onDone(0, null); };
    xhr.send(body);
    return xhr;
  }

  /* --- the copy kept on this device ----------------------------------------------------------- */
  /* One key per user and piece. The copy carries the version it was typed on: a copy older than the server's
     version (saved since, from here or elsewhere) is never offered, except when that save is the one this page
     had in flight (the copy notes a digest of what it sent: the server's text is exactly that). Cleared as soon
     as the server has the text. */
  var KEY = "bp-draft:" + form.getAttribute("data-draft-key");
  var store = null;
  try {
    store = window.localStorage;
    store.setItem(KEY + ":probe", "1");
    store.removeItem(KEY + ":probe");
  } catch (e) { store = null; }
  var localTimer = null;

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
  function digest(data) {  /* FNV-1a of the text fields and captions: "is the server's text what was sent?" */
    var parts = FIELDS.map(function (n) { return data[n] === undefined ? "" : data[n]; });
    Object.keys(data.captions || {}).sort().forEach(function (id) { parts.push(id + "=" + data.captions[id]); });
    var text = JSON.stringify(parts), hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16);
  }
  /* The digest of the save on its way while it is, and of one whose answer never came (the server may have it). */
  var inFlight = null, unheard = null;
  function keepLocal() {
    window.clearTimeout(localTimer);
    if (!store) { return false; }
    var data = collect();
    data.at = Date.now();
    if (inFlight || unheard) { data.sent = inFlight || unheard; }
    try { store.setItem(KEY, JSON.stringify(data)); return true; } catch (e) { return false; }
  }
  function dropLocal() {
    window.clearTimeout(localTimer);
    if (store) { try { store.removeItem(KEY); } catch (e) { /* nothing to do */ } }
  }
  function readLocal() {
    try { return store ? JSON.parse(store.getItem(KEY) || "null") : null; } catch (e) { return null; }
  }
  function unsaved() { show("local", t(store ? "local" : "unsaved")); }

  function sameAsPage(copy) {
    var page = collect();
    return FIELDS.every(function (n) { return copy[n] === undefined || copy[n] === page[n]; }) &&
      Object.keys(copy.captions || {}).every(function (id) {
        return page.captions[id] === undefined || page.captions[id] === copy.captions[id];
      });
  }
  function apply(copy) {
    FIELDS.forEach(function (name) {
      var el = form.elements[name];
      if (el && typeof copy[name] === "string") { el.value = copy[name]; }
    });
    Object.keys(copy.captions || {}).forEach(function (id) {
      var el = form.querySelector("[data-caption-id='" + id.replace(/\D/g, "") + "']");
      if (el) { el.value = copy.captions[id]; }
    });
  }
  function offer(copy) {
    var box = document.createElement("div");
    box.id = "draft-offer";
    box.className = "flash flash-warning draft-offer";
    box.setAttribute("role", "region");
    box.setAttribute("aria-labelledby", "draft-offer-text");
    var text = document.createElement("p");
    text.id = "draft-offer-text";
    text.textContent = t("offer", { time: when(new Date(copy.at)) });
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn small primary";
    restore.textContent = t("restore");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn small";
    discard.textContent = t("discard");
    box.appendChild(text);
    box.appendChild(restore);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
    restore.addEventListener("click", function () {
      apply(copy);
      box.parentNode.removeChild(box);
      changed();
      form.dispatchEvent(new Event("input"));  /* the word count, the box of what is missing, the preview */
      show("local", t("restored"));
      saveSoon(0);
      if (form.elements.title) { form.elements.title.focus(); }
    });
    discard.addEventListener("click", function () {
      box.parentNode.removeChild(box);
      if (!dirty) { dropLocal(); }
      if (form.elements.title) { form.elements.title.focus(); }
    });
  }
  /* Copies of other pieces nobody came back to for a month are forgotten. */
  function forgetOld() {
    var month = Date.now() - 31 * 24 * 3600 * 1000;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf("bp-draft:") === 0 && key !== KEY) {
        try { if (!(JSON.parse(store.getItem(key)).at > month)) { store.removeItem(key); } } catch (e) { store.removeItem(key); }
      }
    }
  }

  /* --- autosave ------------------------------------------------------------------------------ */
  var saveTimer = null, firstChange = 0, failures = 0;

  function saveSoon(delay) {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(autosave, delay);
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
    show("conflict", message);
  }

  function autosave() {
    if (!dirty || saving || conflict || submitting) { return; }
    saving = true;
    dirty = false;
    firstChange = 0;
    show("saving", t("saving"));
    var sent = collect();
    inFlight = digest(sent);
    post(form.getAttribute("data-autosave-url"), JSON.stringify(sent), "application/json", function (status, data) {
      saving = false;
      unheard = status === 0 ? inFlight : (status === 200 ? null : unheard);
      inFlight = null;
      window.setTimeout(releaseSubmit, 0);
      if (status === 200 && data) {
        failures = 0;
        versionInput.value = data.version;
        if (data.missing) { serverMissing(data.missing); }
        if (dirty) {  /* typed while saving: the copy moves to the new version, the next save follows */
          keepLocal();
          unsaved();
          saveSoon(5000);
        } else {
          dropLocal();
          show("saved", t("saved", { time: when(new Date()) }));
        }
      } else if (status === 409) {
        showConflict((data && data.error) || t("conflict"));
      } else {
        dirty = true;
        keepLocal();
        if (data && data.error) { show("local", data.error); } else { unsaved(); }
        failures += 1;
        if (online()) { saveSoon(Math.min(60000, 5000 * Math.pow(2, failures - 1))); }  /* else: the online event */
      }
    }, null, 30000);
  }

  function changed() {
    dirty = true;
    if (!saving) { unsaved(); }
    window.clearTimeout(localTimer);
    localTimer = window.setTimeout(keepLocal, 300);
    var now = Date.now();
    if (!firstChange) { firstChange = now; }
    if (online()) { saveSoon(Math.max(0, Math.min(4000, firstChange + 20000 - now))); }
  }
  function markDirty(e) {
    if (e.target && (e.target.type === "file" || e.target.hasAttribute("data-queue-caption"))) { return; }
    changed();
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
      show("saving", t("saving_first"));
      return;
    }
    if (dirty) { keepLocal(); }  /* if the post does not arrive, the text is offered back */
    submitting = true;
  });
  function releaseSubmit() {
    if (!submitHeld) { return; }
    submitHeld = false;
    if (conflict) { return; }  /* the conflict message stays; the writer decides */
    if (heldButton) { form.requestSubmit(heldButton); } else { form.requestSubmit(); }
  }
  window.addEventListener("online", function () { failures = 0; saveSoon(0); retryUploads(); });
  window.addEventListener("offline", function () { if (dirty) { unsaved(); } });
  window.addEventListener("pagehide", function () { if (dirty || saving) { keepLocal(); } });
  window.addEventListener("beforeunload", function (e) {
    if (dirty || saving) { keepLocal(); }  /* offered back if the writer leaves anyway */
    if (((dirty || saving) && !submitting) || uploadsPending()) { e.preventDefault(); e.returnValue = ""; }
  });

  if (store) {
    var copy = readLocal(), pageVersion = parseInt(versionInput.value, 10);
    if (copy && copy.sent && pageVersion === copy.version + 1 && copy.sent === digest(collect())) {
      copy.version = pageVersion;  /* the page went before hearing that its save arrived: typed after it */
    }
    if (copy && (copy.version !== pageVersion || sameAsPage(copy))) {
      dropLocal();  /* older than the server's text, or the same */
    } else if (copy) {
      offer(copy);
    }
    forgetOld();
  }
  var savedAt = Date.parse(form.getAttribute("data-saved-at") || "");
  if (!isNaN(savedAt)) { show("saved", t("saved", { time: when(new Date(savedAt)) })); }

  /* --- photos: shrunk here, then sent one by one ----------------------------------------------- */
  var uploader = document.getElementById("js-uploader");
  var plain = document.getElementById("plain-uploads");
  var input = document.getElementById("js-photo-input");
  var queueEl = document.getElementById("upload-queue");
  var list = document.getElementById("photo-list");
  var maxPhotos = parseInt(form.getAttribute("data-photos-max"), 10) || 5;
  var maxBytes = parseInt(form.getAttribute("data-photo-max-bytes"), 10) || 0;
  /* The server keeps a photo at this long side (PHOTO_ORIGINAL_LONG_SIDE): more pixels would only cost the
     writer's data plan. Quality 0.85 before the server's own re-encoding at 90 shows no loss at this size. */
  var longSide = parseInt(form.getAttribute("data-photo-long-side"), 10) || 0;
  var QUALITY = 0.85;
  var queue = [], failed = [], busy = false, uploadFailures = 0, retryTimer = null;

  function photoCount() { return list ? list.querySelectorAll("figure").length : 0; }
  function mb(bytes) {
    var n = bytes / 1048576;
    try { return n.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }); } catch (e) { return n.toFixed(1); }
  }
  function uploadsPending() { return busy || queue.length > 0 || failed.length > 0; }

  function addFigure(photo, caption) {
    var fig = document.createElement("figure");
    fig.className = "photo-item";
    var img = document.createElement("img");
    img.src = photo.thumb;
    img.alt = caption;
    var cap = document.createElement("figcaption");
    var label = document.createElement("label");
    label.setAttribute("for", "caption_" + photo.id);
    var text = document.createElement("input");
    text.type = "text";
    text.id = "caption_" + photo.id;
    text.name = "caption_" + photo.id;
    text.maxLength = 300;
    text.value = caption;
    text.setAttribute("data-caption-id", photo.id);
    var del = document.createElement("button");
    del.type = "submit";
    del.name = "action";
    del.value = "delete:" + photo.id;
    del.className = "btn small danger";
    del.textContent = t("delete");
    cap.appendChild(label);
    cap.appendChild(text);
    cap.appendChild(del);
    fig.appendChild(img);
    fig.appendChild(cap);
    list.appendChild(fig);
    label.textContent = t("caption_label", { n: photoCount() });
    if (caption !== (photo.caption || "")) { changed(); }  /* typed while it was on its way */
    return text;
  }

  /* Upright (EXIF orientation applied), at most longSide, JPEG on white; the file itself when it is already
     small enough or the browser cannot decode it (HEIC: the server converts it). */
  function shrink(file, done) {
    if (!longSide || !window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) { done(file); return; }
    createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, longSide / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && (!maxBytes || file.size <= maxBytes)) { bitmap.close(); done(file); return; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      canvas.toBlob(function (blob) { done(blob && blob.size < file.size ? blob : file); }, "image/jpeg", QUALITY);
    }).catch(function () { done(file); });
  }

  function next() {
    if (busy || !queue.length) { return; }
    var item = queue.shift();
    if (photoCount() >= maxPhotos) {
      item.refuse(t("too_many", { n: maxPhotos }));
      next();
      return;
    }
    busy = true;
    if (item.blob) { send(item); return; }
    item.say(t("shrinking"));
    shrink(item.file, function (blob) {
      item.blob = blob;
      if (blob !== item.file) { item.name.textContent = item.file.name + " (" + t("shrunk", { before: mb(item.file.size), after: mb(blob.size) }) + ") "; }
      send(item);
    });
  }

  function send(item) {
    if (maxBytes && item.blob.size > maxBytes) {
      busy = false;
      item.refuse(t("too_big", { mb: mb(item.blob.size) }));
      next();
      return;
    }
    var body = new FormData();
    var name = item.blob === item.file ? item.file.name : item.file.name.replace(/\.[^.]*$/, "") + ".jpg";
    body.append("photo", item.blob, name);
    body.append("caption", item.caption.value);
    item.say("");
    item.progress.value = 0;
    post(form.getAttribute("data-upload-url"), body, null, function (status, data) {
      busy = false;
      if (status === 200 && data && data.photo) {
        item.done(data.photo);
      } else if (status === 413) {
        item.refuse(t("too_big_request"));
      } else if (status === 0 || status >= 500) {
        item.failed();
      } else {
        item.refuse((data && data.error) || t("upload_refused"));
      }
      next();
    }, function (e) {
      if (e.lengthComputable) { item.progress.value = Math.round(100 * e.loaded / e.total); }
    });
  }

  function retryUploads() {
    window.clearTimeout(retryTimer);
    failed.splice(0).forEach(function (item) { item.retry(); });
  }

  function enqueue(file) {
    var n = queueEl.children.length + 1;
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name + " ";
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", file.name);
    var label = document.createElement("label");
    label.setAttribute("for", "queue_caption_" + n);
    label.textContent = t("new_caption");
    var caption = document.createElement("input");
    caption.type = "text";
    caption.id = "queue_caption_" + n;
    caption.maxLength = 300;
    caption.setAttribute("data-queue-caption", "");
    var msg = document.createElement("span");
    msg.className = "small";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "btn small";
    again.textContent = t("retry");
    again.hidden = true;
    [name, progress, msg, again, label, caption].forEach(function (el) { li.appendChild(el); });
    queueEl.appendChild(li);
    var item = {
      file: file, blob: null, name: name, progress: progress, caption: caption,
      say: function (text) { msg.className = "small"; msg.textContent = text ? " " + text : ""; },
      done: function (photo) {
        progress.value = 100;
        msg.className = "small";
        msg.textContent = " " + t("done");
        var hadFocus = document.activeElement === caption;
        var kept = addFigure(photo, caption.value);
        li.removeChild(label);
        li.removeChild(caption);
        updateMissing();
        if (hadFocus || !queue.length) { kept.focus(); }
      },
      failed: function () {  /* the connection: kept with its caption, sent again when the link returns */
        msg.className = "error";
        msg.textContent = t("upload_offline");
        again.hidden = false;
        failed.push(item);
        uploadFailures += 1;
        if (online()) {
          window.clearTimeout(retryTimer);
          retryTimer = window.setTimeout(retryUploads, Math.min(60000, 5000 * Math.pow(2, uploadFailures - 1)));
        }
      },
      refuse: function (text) {  /* the server said no: retrying the same file would not help */
        msg.className = "error";
        msg.textContent = text;
        progress.hidden = true;
        if (caption.value) { caption.readOnly = true; } else if (caption.parentNode) { li.removeChild(label); li.removeChild(caption); }
      },
      retry: function () {
        var i = failed.indexOf(item);
        if (i >= 0) { failed.splice(i, 1); }
        again.hidden = true;
        item.say("");
        queue.push(item);
        next();
      }
    };
    again.addEventListener("click", function () { uploadFailures = 0; item.retry(); });
    queue.push(item);
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
