// Never finishes on its own: only Cancel (or the engine going away) ends it.
setInterval(() => {}, 1000);
