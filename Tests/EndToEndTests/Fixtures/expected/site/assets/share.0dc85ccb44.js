// Plays a private video from the signed links in the URL fragment, which browsers
// never send to servers. Only links under the configured media origin are used.
(function () {
  "use strict";
  var video = document.querySelector("video[data-media-base]");
  if (!video) { return; }
  var base = video.getAttribute("data-media-base") + "/t/";
  var params = new URLSearchParams(window.location.hash.slice(1));
  var fragment = video.getAttribute("data-fragment") || "";
  var types = { hls: "application/vnd.apple.mpegurl", mp4: "video/mp4" };
  var added = 0;
  Object.keys(types).forEach(function (key) {
    var url = params.get(key);
    if (typeof url !== "string" || url.indexOf(base) !== 0) { return; }
    var source = document.createElement("source");
    source.src = url + fragment;
    source.type = types[key];
    video.appendChild(source);
    added += 1;
  });
  if (added > 0) {
    video.hidden = false;
    document.getElementById("private-notice").hidden = true;
    video.load();
  }
})();
