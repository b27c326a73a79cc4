// Plays a private video from the signed links in the URL fragment, which browsers
// never send to servers. Only links under the configured media origin are used.
(function () {
  "use strict";
  var video = document.querySelector("video[data-media-base]");
  if (!video) { return; }
  var base = video.getAttribute("data-media-base") + "/t/";
  var params = new URLSearchParams(window.location.hash.slice(1));
  var fragment = video.getAttribute("data-fragment") || "";
  var signed = function (url) { return typeof url === "string" && url.indexOf(base) === 0; };
  var types = { hls: "application/vnd.apple.mpegurl", mp4: "video/mp4" };
  var added = 0;
  Object.keys(types).forEach(function (key) {
    var url = params.get(key);
    if (!signed(url)) { return; }
    var source = document.createElement("source");
    source.src = url + fragment;
    source.type = types[key];
    video.appendChild(source);
    added += 1;
  });
  if (added === 0) { return; }
  var poster = params.get("poster");
  if (signed(poster)) { video.poster = poster; }
  // Caption tracks: languages and labels from the page, signed URLs from the link, in order.
  var listed = document.getElementById("private-tracks");
  var tracks = listed ? JSON.parse(listed.textContent) : [];
  var sources = params.getAll("vtt");
  tracks.forEach(function (info, index) {
    if (!signed(sources[index])) { return; }
    var track = document.createElement("track");
    track.kind = "captions";
    track.srclang = info.srclang;
    track.label = info.label;
    track.src = sources[index];
    track.default = info["default"] === true;
    // Tracks on another origin load only through CORS.
    video.crossOrigin = "anonymous";
    video.appendChild(track);
  });
  video.hidden = false;
  document.getElementById("private-notice").hidden = true;
  video.load();
})();
