"""Bars drawn as SVG, so that their widths are attributes and not inline
styles, which the Content-Security-Policy refuses (``style-src 'self'``)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def bar(segments, label, css_class="bar"):
    """A horizontal bar of `segments`, ``(css class, percent)`` pairs laid end to
    end from the left; `label` is what a screen reader says for it."""
    rects = []
    x = 0.0
    for name, percent in segments:
        width = max(0.0, min(float(percent or 0), 100.0 - x))
        if width:
            rects.append((name, f"{x:g}", f"{width:g}"))
        x += width
    return format_html(
        '<svg class="{}" viewBox="0 0 100 1" preserveAspectRatio="none" role="img" '
        'aria-label="{}">{}</svg>',
        css_class,
        label,
        format_html_join("", '<rect class="{}" x="{}" y="0" width="{}" height="1"></rect>', rects),
    )
