"""Template helpers of the portal's base layout and components.

``{% alternate_urls as alternates %}`` gives the current page in every language (for ``hreflang``
links and the language switch); ``{{ field|snw_widget:extra_errors }}`` renders a form widget with
the attributes the form-field component relies on (``aria-describedby``, ``aria-invalid``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@dataclass(frozen=True)
class AlternateUrl:
    code: str
    name_local: str
    path: str
    absolute_url: str
    is_current: bool


@register.simple_tag(takes_context=True)
def alternate_urls(context) -> list[AlternateUrl]:
    """The current page's URL in each configured language.

    ``translate_url`` resolves the path in the active language and reverses it in the other one,
    so ``/partners/`` becomes ``/en/partners/``. A path that does not resolve (a 404 page) is
    returned unchanged. Without a request (error pages) the list is empty.
    """
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    full_path = request.get_full_path()
    result = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(full_path, code)
        result.append(
            AlternateUrl(
                code=code,
                name_local=get_language_info(code)["name_local"],
                path=path,
                absolute_url=request.build_absolute_uri(path),
                is_current=code == current,
            )
        )
    return result


def _ids(bound_field) -> tuple[str, str, str]:
    widget_id = bound_field.id_for_label or bound_field.auto_id or bound_field.html_name
    return widget_id, f"{widget_id}_help", f"{widget_id}_error"


@register.filter
def field_ids(bound_field) -> dict[str, str]:
    """``{% with ids=field|field_ids %}``: the ids of the widget, its help text and its errors."""
    widget_id, help_id, error_id = _ids(bound_field)
    return {"widget": widget_id, "help": help_id, "error": error_id}


_WIDGET_CLASSES = {
    "text": "utrecht-textbox utrecht-textbox--html-input snw-field__input",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "radio": "utrecht-radio-button utrecht-radio-button--html-input",
    "Select": "utrecht-select utrecht-select--html-select snw-field__input",
    "SelectMultiple": "utrecht-select utrecht-select--html-select snw-field__input",
    "Textarea": "utrecht-textarea utrecht-textarea--html-textarea snw-field__input",
}


@register.filter
def snw_widget(bound_field, extra_errors=None) -> str:
    """Render the widget with ``aria-describedby`` pointing at its help text and errors.

    ``extra_errors`` are errors shown next to this field that belong to the whole form (the login
    form reports a wrong username/password combination as a non-field error).
    """
    _widget_id, help_id, error_id = _ids(bound_field)
    has_errors = bool(bound_field.errors) or bool(extra_errors)
    described = []
    if bound_field.help_text:
        described.append(help_id)
    if has_errors:
        described.append(error_id)
    attrs = {}
    css = _WIDGET_CLASSES.get(getattr(bound_field.field.widget, "input_type", None) or "", "")
    if not css:
        css = _WIDGET_CLASSES.get(type(bound_field.field.widget).__name__, _WIDGET_CLASSES["text"])
    if has_errors:
        css += " " + css.split()[0] + "--invalid"
        attrs["aria-invalid"] = "true"
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs["class"] = f"{existing} {css}".strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def shown_in_fallback(obj, *fields: str) -> bool:
    """True when the page is not in Dutch and one of ``fields`` has Dutch text but no translation:
    the page then says that the text is shown in Dutch (issue 4, language)."""
    from django.conf import settings
    from django.utils.translation import get_language

    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if obj is None or language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return False
    for name in fields:
        source = getattr(obj, f"{name}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}", None)
        target = getattr(obj, f"{name}_{language}", None)
        if (source or "").strip() and not (target or "").strip():
            return True
    return False
