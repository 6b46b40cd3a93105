"""Checks on uploaded files, by their content rather than their name, and the cleaning of photos.

Every upload path goes through here: progress photos (page and API), meeting minutes (page and
API), vouchers of receipts and expenditures (page and API), ballot sheets and census sheets.
Stored files live under MEDIA_ROOT (outside STATIC_ROOT, never served by whitenoise or a static
URL) and are served by views that read through the user's scope.

Photos are re-encoded before they are stored: the orientation the camera recorded is applied to
the pixels, and everything else the file carried is dropped (EXIF with its GPS position, XMP,
IPTC, comments, text chunks), since a site photo taken at a resident's door tells where the
resident lives. Every format is re-encoded, GIF included: bytes after the image (a script, a
second file) are never stored, and a GIF keeps only its first frame. Photos are served with
the type read from their content (`image_content_type`), never from their name.
"""

from __future__ import annotations

import io
import os
import zipfile

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Format as Pillow names it -> (extension, content type) of what is stored.
PHOTO_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
JPEG_QUALITY = 90

# Document types accepted for meeting minutes, by extension, with the check of their content.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc (and .xls)
ZIP_MAGIC = b"PK\x03\x04"


def _megabytes(limit: int) -> int:
    return max(limit // (1024 * 1024), 1) if limit >= 1024 * 1024 else 0


def check_size(upload: UploadedFile, *, limit: int, message: str) -> None:
    if upload.size is None or upload.size > limit:
        raise ValidationError(message % {"size": _megabytes(limit)}, code="too_large")


def _head(upload: UploadedFile, length: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _clean_name(upload: UploadedFile, extension: str) -> str:
    stem = os.path.splitext(os.path.basename(upload.name or ""))[0]
    stem = get_valid_filename(stem)[:80] if stem else ""
    return f"{stem or 'photo'}.{extension}"


def clean_photo(
    upload: UploadedFile, *, formats: tuple[str, ...] = tuple(PHOTO_FORMATS)
) -> UploadedFile:
    """A real photo within the size limits, with its metadata removed.

    Raises ValidationError (translated) for a file that is not a JPEG, PNG, GIF or WebP image.
    Returns a new in-memory file with the re-encoded image, its name's extension matching its
    content."""
    upload.seek(0)
    data = upload.read()  # at most PHOTO_MAX_BYTES: Pillow works on a copy, the upload stays open
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            # Django's own message for ImageField, translated by its catalogue.
            _(
                "Upload a valid image. The file you uploaded was either not an image or a "
                "corrupted image."
            ),
            code="invalid_image",
        ) from None
    if fmt not in formats:
        raise ValidationError(
            _("Upload a photo in one of these formats: %(formats)s.")
            % {"formats": ", ".join(formats)},
            code="invalid_image",
        )
    extension, content_type = PHOTO_FORMATS[fmt]
    image: Image.Image = Image.open(io.BytesIO(data))
    try:
        longest = settings.RENOVATION_PHOTO_MAX_SIDE
        if fmt == "JPEG":
            # Decode big JPEGs at a reduced scale straight away: bounded memory per upload.
            image.draft(image.mode, (longest, longest))
        image = ImageOps.exif_transpose(image)
        image.thumbnail((longest, longest))
        image.info = {}  # nothing of the original's metadata reaches the encoder
        out = io.BytesIO()
        if fmt == "JPEG":
            if image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        elif fmt == "WEBP":
            image.save(out, "WEBP", quality=JPEG_QUALITY)
        elif fmt == "PNG":
            image.save(out, "PNG", optimize=True)
        else:
            image.save(out, "GIF")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The photo could not be read. Take it again or save it as JPEG."),
            code="invalid_image",
        ) from None
    finally:
        image.close()
    return SimpleUploadedFile(_clean_name(upload, extension), out.getvalue(), content_type)


def image_content_type(handle) -> str:
    """A stored photo's type as Pillow reads it from the content (its name may say otherwise);
    anything but the photo formats is plain bytes, which a browser will not render."""
    allowed = {content_type for _extension, content_type in PHOTO_FORMATS.values()}
    try:
        with Image.open(handle) as image:
            content_type = Image.MIME.get(image.format or "")
    except Exception:  # not an image after all (e.g. replaced in storage)
        content_type = None
    handle.seek(0)
    return content_type if content_type in allowed else "application/octet-stream"


def check_minutes(upload: UploadedFile) -> UploadedFile:
    """Minutes are a PDF, a Word document (.doc, .docx) or a photo of the paper (JPEG, PNG),
    by content as well as by name; a photo is cleaned like a progress photo. Another extension
    is left to the model's FileExtensionValidator, which names the accepted ones."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    head = _head(upload)
    ok = True
    if extension == "pdf":
        ok = head.startswith(b"%PDF-")
    elif extension == "doc":
        ok = head == OLE2_MAGIC
    elif extension == "docx":
        ok = head.startswith(ZIP_MAGIC) and _zip_has(upload, "word/document.xml")
    elif extension in ("jpg", "jpeg", "png"):
        return clean_photo(upload, formats=("JPEG", "PNG"))
    else:
        return upload  # the model's extension validator gives the message
    if not ok:
        raise ValidationError(
            _("The file's content does not match its type (.%(extension)s).")
            % {"extension": extension},
            code="invalid_content",
        )
    return upload


def check_voucher(upload: UploadedFile) -> UploadedFile:
    """Vouchers of money received or spent (bank slips, invoices, payment orders) are a PDF, an
    OFD electronic invoice (a zip archive with OFD.xml) or a photo or scan (JPEG, PNG), by
    content as well as by name; a photo is cleaned like a progress photo. Another extension is
    left to the model's FileExtensionValidator, which names the accepted ones."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    head = _head(upload)
    if extension == "pdf":
        ok = head.startswith(b"%PDF-")
    elif extension == "ofd":
        ok = head.startswith(ZIP_MAGIC) and _zip_has(upload, "OFD.xml")
    elif extension in ("jpg", "jpeg", "png"):
        return clean_photo(upload, formats=("JPEG", "PNG"))
    else:
        return upload
    if not ok:
        raise ValidationError(
            _("The file's content does not match its type (.%(extension)s).")
            % {"extension": extension},
            code="invalid_content",
        )
    return upload


def _zip_has(upload: UploadedFile, member: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def check_workbook(data: bytes) -> None:
    """An .xlsx sheet is a zip archive with a workbook in it, whose parts do not unpack to more
    than RENOVATION_SHEET_MAX_UNPACKED_BYTES (a zip bomb is refused before openpyxl reads it).
    Raises ValueError, which the sheet readers turn into their "could not be read" message."""
    if not data.startswith(ZIP_MAGIC):
        raise ValueError("not a zip archive")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise ValueError("no workbook in the archive")
        unpacked = sum(member.file_size for member in members)
        if unpacked > settings.RENOVATION_SHEET_MAX_UNPACKED_BYTES:
            raise ValueError("the workbook unpacks to too much data")


class RequestSizeLimitHandler(FileUploadHandler):
    """First upload handler: refuses a multipart request whose body is larger than
    RENOVATION_UPLOAD_MAX_REQUEST_BYTES before anything is written to a temporary file (a 400).
    The per-file limits (photos, minutes, sheets) are checked with a message by the forms and
    services; this one stops a request far beyond any of them. Data passes through untouched to
    Django's own handlers."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > settings.RENOVATION_UPLOAD_MAX_REQUEST_BYTES:
            raise RequestDataTooBig(_("The upload is too large."))

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
