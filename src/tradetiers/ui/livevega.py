"""A Vega-Lite widget that swaps a chart's data instead of redrawing it.

Solara's ``VegaLite`` widget re-embeds the whole chart on every change, after a 100 ms
debounce. Our charts keep their shape (the spec) for many years and change only their
named datasets, so this widget syncs the two separately: a new ``spec`` embeds the chart
again, new ``datasets`` are swapped into the running Vega view (``view.change``) and
redrawn at once. The spec and each dataset travel as JSON strings, so the server's
renderer does not walk (or deep-compare) thousands of rows, and the browser parses and
swaps only the datasets whose text changed (a chart's marks usually stay as they were).
Vega, Vega-Lite and vega-embed are loaded from Solara's CDN proxy, as Solara's own widget
does (the offline asset cache serves them).

After each draw the container's ``data-tt-drawn`` attribute counts up; the latency
benchmark and the browser tests watch it.
"""

from __future__ import annotations

import json
from typing import Any

import ipyvuetify as v
import traitlets


def dataset_texts(datasets: dict[str, Any]) -> dict[str, str]:
    """Named datasets as the widget sends them: each one's rows as a compact JSON string."""
    return {
        name: json.dumps(rows, separators=(",", ":"), allow_nan=False)
        for name, rows in datasets.items()
    }


VUE = r"""
<template>
  <div class="tt-vega" :data-tt-drawn="drawn"><div ref="plot"></div></div>
</template>
<script>
module.exports = {
  data() { return { drawn: 0 }; },
  mounted() {
    this.ready = this.loadVega().then(() => this.embed());
  },
  destroyed() {
    if (this.view) { this.view.finalize(); }
  },
  watch: {
    spec() { this.ready = this.ready.then(() => this.embed()); },
    datasets() { this.ready = this.ready.then(() => this.swap()); },
  },
  methods: {
    modules() {
      return new Promise((resolve, reject) => {
        require(['vega', 'vega-embed'], (vega, vegaEmbed) => resolve({ vega, vegaEmbed }), reject);
      });
    },
    async embed() {
      const { vegaEmbed } = await this.modules();
      const spec = JSON.parse(this.spec);
      const texts = this.datasets || {};
      spec.datasets = {};
      for (const [name, text] of Object.entries(texts)) { spec.datasets[name] = JSON.parse(text); }
      const options = (spec.usermeta && spec.usermeta.embedOptions) || {};
      if (this.view) { this.view.finalize(); this.view = null; }
      const { view } = await vegaEmbed(this.$refs.plot, spec, { renderer: 'svg', ...options });
      this.view = view;
      this.names = Object.keys(texts).sort().join(',');
      this.texts = { ...texts };
      if (this.listen_to_hover) {
        view.addEventListener('mouseover', (event, item) => {
          this.altair_hover(item && item.datum ? item.datum : null);
        });
      }
      this.drawn += 1;
    },
    async swap() {
      const names = Object.keys(this.datasets || {}).sort().join(',');
      if (!this.view || names !== this.names) { return this.embed(); }
      const { vega } = await this.modules();
      let changed = false;
      for (const [name, text] of Object.entries(this.datasets)) {
        if (this.texts[name] === text) { continue; }  // unchanged: nothing to redo
        this.view.change(name, vega.changeset().remove(() => true).insert(JSON.parse(text)));
        this.texts[name] = text;
        changed = true;
      }
      if (changed) { await this.view.runAsync(); }
      this.drawn += 1;
    },
    async loadVega() {
      if (!window.requirejs) {
        await new Promise((resolve, reject) => {
          const script = document.createElement('script');
          script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
          script.onload = resolve;
          script.onerror = reject;
          document.head.appendChild(script);
        });
      }
      require.config({
        map: {
          '*': {
            'vega': `${this.getCdn()}/vega@5/build/vega.min.js`,
            'vega-lite': `${this.getCdn()}/vega-lite@5/build/vega-lite.min.js`,
            'vega-embed': `${this.getCdn()}/vega-embed@6/build/vega-embed.min.js`,
          }
        }
      });
      await this.modules();
    },
    getCdn() {
      if (this.cdn) { return this.cdn; }
      if (window.solara) { return window.solara.cdn; }
      let base = document.body.dataset.baseUrl || document.baseURI;
      if (document.getElementsByTagName('base').length) { base = './'; }
      if (!base.endsWith('/')) { base += '/'; }
      return `${base}_solara/cdn`;
    },
  },
}
</script>
"""


class LiveVega(v.VuetifyTemplate):
    """A Vega-Lite chart: ``spec`` is its shape (no data), ``datasets`` its named data.

    ``spec`` is the shape as a JSON string, and ``datasets`` maps each dataset's name to
    its rows as a JSON string (see :func:`dataset_texts`): the server's renderer then
    compares a few strings per chart instead of walking nested specs and rows.
    """

    template = traitlets.Unicode(VUE).tag(sync=True)
    spec = traitlets.Unicode("{}").tag(sync=True)
    datasets = traitlets.Dict().tag(sync=True)
    listen_to_hover = traitlets.Bool(False).tag(sync=True)
    on_hover = traitlets.Callable(None, allow_none=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self) -> str | None:
        import solara.settings

        return None if solara.settings.assets.proxy else solara.settings.assets.cdn

    def vue_altair_hover(self, *args: object) -> None:
        """The datum under the pointer (or None), from the browser."""
        if self.on_hover is not None:
            self.on_hover(*args)
