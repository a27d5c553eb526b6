"""Chinese text without a system CJK font: the Noto Sans SC of a pip package, served locally.

The ``pylopdf-fonts-zh-cn`` package (a dependency of the ``ui`` extra) ships
``NotoSansSC-Regular.otf``. The PNG downloads draw with it through matplotlib
(:mod:`tradetiers.ui.charts`); the browser gets it from the app's own server: the
package folder is one of Solara's asset folders (``/static/assets/``), and the page
declares it with ``@font-face`` (its ``unicode-range`` limited to CJK, so a browser
fetches the file only for Chinese text, and a system Noto Sans SC is used first when
there is one). Nothing is downloaded from the internet.

In Chinese the page's text and the Vega charts use the font stack :data:`STACK`; in
English only the language switch ("中文") does.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: pip packages that ship a CJK font file, and the file
FONT_PACKAGES = {"pylopdf_fonts_zh_cn": "NotoSansSC-Regular.otf"}
#: the family name the page declares for the packaged font
FAMILY = "TT Noto Sans SC"
#: the font stack of Chinese text: Vuetify's Roboto for Latin, the packaged font for CJK
STACK = f'Roboto, "{FAMILY}", "Noto Sans SC", "Noto Sans CJK SC", sans-serif'
#: CJK punctuation, kana, ideographs, compatibility ideographs and full-width forms
UNICODE_RANGE = (
    "U+2E80-2FDF, U+3000-30FF, U+3100-312F, U+3190-31FF, U+3400-4DBF, U+4E00-9FFF, "
    "U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF, U+20000-2A6DF"
)
#: what the Chinese page rule leaves alone: icon fonts and code
_KEEP = ":not(.fa):not(.mdi):not(.v-icon):not(code):not(pre):not(kbd)"


def packaged_font() -> tuple[str, Path] | None:
    """(package, file) of the first CJK font a pip package ships, or None."""
    for package, filename in FONT_PACKAGES.items():
        try:
            path = Path(str(resources.files(package) / filename))
        except ModuleNotFoundError:
            continue
        if path.exists():
            return package, path
    return None


def serve() -> str | None:
    """Let the Solara server serve the packaged font; its URL path, or None if absent.

    Adds the font's package to Solara's asset folders (``SOLARA_ASSETS_EXTRA_LOCATIONS``
    does the same from the environment), which the server reads on each request.
    """
    found = packaged_font()
    if found is None:
        return None
    import solara.server.settings

    package, path = found
    locations = solara.server.settings.assets.extra_locations
    if package not in locations:
        locations.append(package)
    return f"/static/assets/{path.name}"


def font_url() -> str | None:
    """The font's URL on this server (with the root path behind a proxy), or None."""
    found = packaged_font()
    if found is None:
        return None
    import solara.server.settings

    root = (solara.server.settings.main.root_path or "").rstrip("/")
    return f"{root}/static/assets/{found[1].name}"


def css(lang: str, face: bool = True) -> str:
    """The page CSS: the ``@font-face`` and, in Chinese, the font stack of all text.

    Args:
        lang: the language of the page.
        face: declare the font (once per page: the layout does; a part of the page in
            another language asks only for the stack).
    """
    url = font_url()
    local = 'local("Noto Sans SC"), local("NotoSansSC-Regular")'
    src = f'{local}, url("{url}") format("opentype")' if url else local
    out = (
        f'@font-face {{ font-family: "{FAMILY}"; src: {src}; '
        f"unicode-range: {UNICODE_RANGE}; font-display: swap; }}\n"
        if face
        else ""
    )
    out += f".tt-lang, .tt-lesson-lang {{ font-family: {STACK} !important; }}\n"
    if lang == "zh":
        out += (
            f".v-application, .v-application *{_KEEP}, #vg-tooltip-element, "
            f"#vg-tooltip-element * {{ font-family: {STACK} !important; }}\n"
        )
    return out


def vega_config(lang: str) -> dict[str, str]:
    """The Vega-Lite ``config`` of a chart in this language (the font of its text)."""
    return {"font": STACK} if lang == "zh" else {}
