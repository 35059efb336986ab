// The console's script: progressive enhancement only; every page works
// without it. Live pages name their event stream in data-stream.
"use strict";
