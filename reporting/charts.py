"""Charts drawn on the server as SVG: readable without JavaScript, printable, the same in the PDF."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from plans.lib.thaidate import format_number


def _short(value: Decimal) -> str:
    """Whole baht with thousands separators (abbreviations such as ล้าน are ambiguous in reports)."""
    return format_number(value, 0)


def _n(number: float) -> str:
    return f"{number:.1f}"


def grouped_bars(categories: list[str], series: list[tuple[str, str, list]], *, width=640, height=260,
                 title: str = "", value_label=_short) -> str:
    """Vertical bars: for each category, one bar per series (name, css colour, values; None = no bar).
    Returns SVG markup with a <title> and text labels, so screen readers and print both get it."""
    left, bottom, top, right = 8, 42, 24, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _n, _c, vs in series for v in vs if v is not None]
    peak = max(values + [Decimal("1")])
    slot = plot_w / max(len(categories), 1)
    bar_w = min(48, (slot - 16) / max(len(series), 1))
    bars, labels = [], []
    for i, category in enumerate(categories):
        x0 = left + i * slot + (slot - bar_w * len(series)) / 2
        for j, (name, colour, vs) in enumerate(series):
            value = vs[i]
            if value is None:
                continue
            h = float(value) / float(peak) * plot_h
            x, y = x0 + j * bar_w, top + plot_h - h
            bars.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text>',
                _n(x + 1), _n(y), _n(bar_w - 2), _n(h), colour, name, value_label(value), _n(x + bar_w / 2),
                _n(y - 3), value_label(value)))
        labels.append(format_html('<text x="{}" y="{}" font-size="12" text-anchor="middle">{}</text>',
                                  _n(left + i * slot + slot / 2), _n(top + plot_h + 16), category))
    legend = format_html_join("", '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
                                  '<text x="{}" y="{}" font-size="11">{}</text>',
                              ((left + k * 180, height - 14, colour, left + k * 180 + 14, height - 5, name)
                               for k, (name, colour, _vs) in enumerate(series)))
    axis = format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888"></line>',
                       left, top + plot_h, left + plot_w, top + plot_h)
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" font-family="Sarabun, sans-serif"><title>{}</title>{}{}{}{}</svg>',  # no style=: the CSP
        width, height, title, title, mark_safe("".join(bars)), mark_safe("".join(labels)), axis, legend)
