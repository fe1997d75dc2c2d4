"""Uploaded images are judged by their bytes, not by their name (DECISIONS 23).

``check_image`` opens the file with Pillow, verifies it, and accepts only JPEG, PNG and WebP up to
``MAX_IMAGE_BYTES``; the extension of the uploaded name must agree with the type found in the bytes.
``generated_name`` gives the name the file is stored under: random, with the extension of the real
type, so nothing the uploader chose ends up in a path.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Pillow format → the extensions a name of that type may have; the first is used for stored names.
IMAGE_TYPES: dict[str, tuple[str, ...]] = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
}


def image_format(file) -> str:
    """The Pillow format of ``file`` after verification; raises ValidationError for anything else."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("De foto is te groot (%(size)s MB); het maximum is 5 MB.") % {"size": f"{size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    try:
        file.seek(0)
        with Image.open(file) as img:
            found = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Dit bestand is geen foto die we kunnen lezen. Kies een JPEG-, PNG- of WebP-bestand."), code="not_an_image"
        ) from exc
    finally:
        file.seek(0)
    if found not in IMAGE_TYPES:
        raise ValidationError(
            _("Dit type afbeelding (%(type)s) wordt niet aangenomen. Kies een JPEG-, PNG- of WebP-bestand.") % {"type": found},
            code="wrong_type",
        )
    return found


def check_image(file) -> None:
    """Accept a JPEG, PNG or WebP of at most 5 MB whose name agrees with its content; else ValidationError."""
    found = image_format(file)
    suffix = PurePath(getattr(file, "name", "") or "").suffix.lower()
    if suffix not in IMAGE_TYPES[found]:
        raise ValidationError(
            _("De bestandsnaam (%(suffix)s) past niet bij de inhoud (%(type)s).") % {"suffix": suffix or "-", "type": found},
            code="extension_mismatch",
        )


def generated_name(file) -> str:
    """A random stored name with the extension of the verified type."""
    return secrets.token_hex(16) + IMAGE_TYPES[image_format(file)][0]
