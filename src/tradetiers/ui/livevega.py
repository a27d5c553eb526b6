"""A Vega-Lite widget that swaps a chart's data instead of redrawing it.

Solara's ``VegaLite`` widget re-embeds the whole chart on every change, after a 100 ms
debounce. Our charts keep their shape (the spec) for many years and change only their
named datasets, so this widget syncs the two separately: a new ``spec`` embeds the chart
again, new ``datasets`` are swapped into the running Vega view (``view.change``) and
redrawn at once. Vega, Vega-Lite and vega-embed are loaded from Solara's CDN proxy, as
Solara's own widget does (the offline asset cache serves them).

After each draw the container's ``data-tt-drawn`` attribute counts up; the latency
benchmark and the browser tests watch it.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

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
      const spec = JSON.parse(JSON.stringify(this.spec));
      spec.datasets = JSON.parse(JSON.stringify(this.datasets || {}));
      const options = (spec.usermeta && spec.usermeta.embedOptions) || {};
      if (this.view) { this.view.finalize(); this.view = null; }
      const { view } = await vegaEmbed(this.$refs.plot, spec, { renderer: 'svg', ...options });
      this.view = view;
      this.names = Object.keys(spec.datasets).sort().join(',');
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
      for (const [name, rows] of Object.entries(this.datasets)) {
        const copy = JSON.parse(JSON.stringify(rows));
        this.view.change(name, vega.changeset().remove(() => true).insert(copy));
      }
      await this.view.runAsync();
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
    """A Vega-Lite chart: ``spec`` is its shape (no data), ``datasets`` its named data."""

    template = traitlets.Unicode(VUE).tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
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
