"""PDF files of the briefings: the same content laid out in HTML (templates/briefings/pdf/) and typeset by
WeasyPrint, which embeds the subset of each font it uses — Chinese text never depends on the reader's fonts.
The font lists name the fonts of Chinese desktops first and fall back to Noto CJK (Debian ``fonts-noto-cjk``)."""
import base64

from django.template.loader import render_to_string

from chainchief.briefings.content import LIST_LIMIT, pct
from chainchief.briefings.word import CHAIN_HEADER, chain_table_rows


def _data_uri(png):
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _context(texts, content, images):
    context = {"texts": texts, "content": content, "images": {k: _data_uri(v) for k, v in images.items()},
               "introduction": [p.strip() for p in (texts.get("introduction") or "").splitlines() if p.strip()]}
    if content["kind"] == "monthly":
        context.update(
            chain_header=CHAIN_HEADER, chain_rows=chain_table_rows(content),
            flagged=[r for r in content["chains"] if r["status"] in ("red", "yellow")],
            requests=[{**r, "on_time": pct(r["on_time_rate"])} for r in content["requests_by_department"]])
    else:
        k, gaps = content["kpi"], content["map"]["gaps"]
        context.update(
            kpi_row=[k["revenue_yi"] or "—", pct(k["yoy_comparable"]), k["rank"] or "—", pct(k["progress"]),
                     pct(k["required_cagr"]), k["status_label"]],
            gaps=gaps[:LIST_LIMIT], more_gaps=max(len(gaps) - LIST_LIMIT, 0),
            top=[{**e, "yoy": pct(e["yoy"])} for e in content["top_enterprises"]])
    return context


def render(texts, content, images):
    from weasyprint import HTML  # loads Pango: only when a PDF is made

    name = "briefings/pdf/monthly.html" if content["kind"] == "monthly" else "briefings/pdf/chain.html"
    html = render_to_string(name, _context(texts, content, images))
    return HTML(string=html).write_pdf()
