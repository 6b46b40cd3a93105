"""Every uploaded image is re-encoded (GIF too), and photos are served with the type found in
their content, never the one their name suggests (issue 17, finding 7)."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from programmes.models import ProgressPhoto
from renovation.uploads import clean_photo
from tests.conftest import GIF_BYTES

TRAILER = b"<script>alert(1)</script>%PDF-1.4 a second file"


def test_gif_with_trailing_bytes_is_reencoded_without_them():
    upload = SimpleUploadedFile("site.gif", GIF_BYTES + TRAILER, content_type="image/gif")

    cleaned = clean_photo(upload)

    data = cleaned.read()
    assert TRAILER not in data
    assert b"script" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("GIF", (1, 1))
    assert cleaned.name == "site.gif"


def test_gif_named_pdf_is_stored_as_gif():
    cleaned = clean_photo(SimpleUploadedFile("x.pdf", GIF_BYTES + TRAILER, "application/pdf"))

    assert cleaned.name == "x.gif"
    assert cleaned.content_type == "image/gif"


def _photo_stored_as(report, name: str, content: bytes) -> ProgressPhoto:
    """A photo whose stored name disagrees with its content (e.g. saved before this check)."""
    photo = ProgressPhoto(report=report, caption="")
    photo.image.save(name, ContentFile(content), save=False)
    photo.save()
    return photo


def test_page_serves_a_gif_named_pdf_as_a_gif(
    client, street_officer, project, item_small, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    photo = _photo_stored_as(report, "x.pdf", GIF_BYTES)
    client.force_login(street_officer)

    response = client.get(reverse("programmes:photo", args=[photo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_page_serves_a_non_image_as_plain_bytes(
    client, street_officer, project, item_small, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    photo = _photo_stored_as(report, "x.html", b"<html><script>alert(1)</script></html>")
    client.force_login(street_officer)

    response = client.get(reverse("programmes:photo", args=[photo.pk]))

    assert response["Content-Type"] == "application/octet-stream"
