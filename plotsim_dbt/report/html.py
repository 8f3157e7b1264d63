"""One self-contained HTML page: figures embedded as base64 PNG, no script, no network."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html import escape

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1150px; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
p.caption { color: #444; margin: 0.3em 0 0.8em; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
td.n { text-align: right; } img { max-width: 100%; display: block; margin: 0.4em 0; }
"""


@dataclass
class Section:
    heading: str
    caption: str  # one line: what to look for
    figures: list = field(default_factory=list)  # matplotlib Figures


def png(figure, dpi: int = 80) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _slug(heading: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in heading.lower()).strip("-")


def page(title: str, facts: list[tuple[str, str]], row_counts: dict[str, int], sections: list[Section]) -> str:
    facts_html = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    counts_html = "".join(f"<tr><td>{escape(name)}</td><td class='n'>{rows:,}</td></tr>" for name, rows in row_counts.items())
    toc = "".join(f"<li><a href='#{_slug(s.heading)}'>{escape(s.heading)}</a></li>" for s in sections)
    body = []
    for s in sections:
        images = "".join(f"<img alt='{escape(s.heading)}' src='data:image/png;base64,{png(f)}'>" for f in s.figures)
        body.append(f"<section id='{_slug(s.heading)}'><h2>{escape(s.heading)}</h2><p class='caption'>{escape(s.caption)}</p>{images}</section>")
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1><table>{facts_html}</table><h3>Rows per table</h3><table>{counts_html}</table>"
        f"<h3>Sections</h3><ol>{toc}</ol>{''.join(body)}</body></html>\n"
    )
