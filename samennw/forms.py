"""Form helpers shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the field of the same name, otherwise on the whole form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            visible = name in form.fields and not form.fields[name].widget.is_hidden
            form.add_error(name if visible else None, ValidationError(errors))
    else:
        form.add_error(None, exc)
