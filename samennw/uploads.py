"""Uploaded images are judged by their bytes, not by their name (DECISIONS 23).

``check_image`` opens the file with Pillow, verifies it, and accepts only JPEG, PNG and WebP up to
``MAX_IMAGE_BYTES``; the extension of the uploaded name must agree with the type found in the bytes.
``without_metadata`` re-encodes the accepted image without EXIF/XMP (no GPS position or camera serial)
under a random name with the extension of the real type, so nothing the uploader chose ends up in a path.
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



def without_metadata(file):
    """The image re-encoded without its metadata (EXIF with GPS position, camera serial, XMP, comments),
    turned upright first; returned as a new file under a generated name. Photos of residents must not
    carry where and when they were taken (privacy by design)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import ImageOps

    found = image_format(file)
    file.seek(0)
    with Image.open(file) as img:
        upright = ImageOps.exif_transpose(img)
        if found == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        buffer = io.BytesIO()
        options = {"quality": 90, "optimize": True} if found in ("JPEG", "WEBP") else {"optimize": True}
        upright.save(buffer, format=found, **options)
    file.seek(0)
    return ContentFile(buffer.getvalue(), name=secrets.token_hex(16) + IMAGE_TYPES[found][0])
