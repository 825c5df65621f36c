"""The analysis layer: what every feature and front end shares about an open document.

- `document`: `Document`, the text with its statements and lazily built model, edited
  incrementally; `derived` holds what layers above computed from it;
- `settings`: `Settings`, the user's choices (flowzap.* settings, CLI flags);
- `lookup`: what is at a position, and every token naming a node or lane;
- `renaming`: whether a new id may replace a node's or lane's, and the edits renaming it
  (the editor's rename and the agents' structured changes share it);
- `graph`: a model's lanes, nodes, edges and loops as plain records (the graph export's and
  the diff's common words);
- `edits`: regions and text edits in code points, applied and checked;
- `markdown`: user text escaped for hover and completion;
- `architecture`: the architecture view's content (components, dependencies), which hover
  and the renderer share;
- `views`: the preview's view and theme names.

Invariant: plain functions over plain data, no diagnostics, no protocol.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model. Nothing above.
"""
