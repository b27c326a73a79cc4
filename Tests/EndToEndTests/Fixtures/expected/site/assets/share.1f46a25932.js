// Loads caption tracks without putting the video in CORS mode, and plays a private video
// from the signed links in the URL fragment, which browsers never send to servers.
(function () {
  "use strict";
  var video = document.querySelector(".player video");
  if (!video) { return; }
  var listed = document.getElementById("caption-tracks");
  var tracks = listed ? JSON.parse(listed.textContent) : [];
  // A <track> on another origin loads only through CORS, and `crossorigin` on the video
  // would make the poster, HLS and MP4 need CORS too: each caption file is fetched on its
  // own instead, so a media host without CORS loses the captions, never the video.
  var addTracks = function (sourceOf) {
    tracks.forEach(function (info, index) {
      var src = sourceOf(info, index);
      if (!src) { return; }
      fetch(src, { mode: "cors", credentials: "omit" }).then(function (response) {
        if (!response.ok) { throw new Error("captions answered " + response.status); }
        return response.text();
      }).then(function (text) {
        var track = document.createElement("track");
        track.kind = "captions";
        track.srclang = info.srclang;
        track.label = info.label;
        track.src = URL.createObjectURL(new Blob([text], { type: "text/vtt" }));
        video.appendChild(track);
        if (info["default"] === true) { track.track.mode = "showing"; }
      }).catch(function () {});
    });
  };
  if (!video.hasAttribute("data-media-base")) {
    addTracks(function (info) { return info.src; });
    return;
  }
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
  // Languages and labels come from the page, signed URLs from the link, in order.
  var sources = params.getAll("vtt");
  addTracks(function (info, index) { return signed(sources[index]) ? sources[index] : null; });
  video.hidden = false;
  document.getElementById("private-notice").hidden = true;
  video.load();
})();
