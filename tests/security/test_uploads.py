"""Uploads: checked by content and size, stored under MEDIA_ROOT (never reachable as static or
media URLs), served only to users in scope, and photos stripped of their metadata (the GPS
position of a site photo tells where residents live)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image, PngImagePlugin
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from governance import services as governance
from governance.models import Meeting
from programmes.imports import read_tables
from programmes.models import ProgressPhoto
from renovation.uploads import check_workbook, clean_photo

MEETING_KIND = Meeting.Kind.values[0]
GPS_LATITUDE = (30.0, 39.0, 36.0)  # 青羊区, to the second
GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description exif:GPSLatitude="30,39.6N"/></rdf:RDF></x:xmpmeta>'
)


def exif_with_gps(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation  # 6: the camera was turned; rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: GPS_LATITUDE, 3: "E", 4: (104.0, 3.0, 54.0)}
    return exif


def jpeg_with_gps(size=(64, 32)) -> bytes:
    image = Image.new("RGB", size, (180, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif_with_gps().tobytes(), comment=b"resident-door")
    data = buffer.getvalue()
    assert b"Exif" in data  # the test image does carry EXIF
    return data


def assert_clean_image(data: bytes) -> Image.Image:
    assert b"Exif" not in data
    assert b"resident-door" not in data
    assert b"xmpmeta" not in data
    image = Image.open(io.BytesIO(data))
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(GPS_IFD)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Author"):
        assert key not in image.info, key
    return image


def stored_files(root) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- Photos --------------------------------------------------------------------------------


def test_progress_form_stores_a_jpeg_without_exif_or_gps(
    client, street_officer, project, item_small, today, settings
):
    client.force_login(street_officer)

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "10",
            "photos": [SimpleUploadedFile("IMG_0001.JPG", jpeg_with_gps(), "image/jpeg")],
            "version": "",
        },
    )

    assert response.status_code == 302
    photo = ProgressPhoto.objects.get()
    with photo.image.open("rb") as handle:
        image = assert_clean_image(handle.read())
    assert image.format == "JPEG"
    assert image.size == (32, 64)  # the recorded orientation is applied to the pixels
    assert photo.image.name.endswith(".jpg")
    path = Path(photo.image.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    served = client.get(reverse("programmes:photo", args=[photo.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert "private" in served["Cache-Control"]
    assert_clean_image(b"".join(served.streaming_content))


def test_api_photo_upload_stores_a_jpeg_without_exif_or_gps(
    street_officer, project, item_small, file_report
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=street_officer).key}")

    response = api.post(
        reverse("api:progress-report-photos", args=[report.pk]),
        {"photo": [SimpleUploadedFile("east.jpeg", jpeg_with_gps(), "image/jpeg")]},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    photo = ProgressPhoto.objects.get(report=report)
    download = api.get(reverse("api:progress-photo-file", args=[photo.pk]))
    assert download["Content-Type"] == "image/jpeg"
    assert_clean_image(b"".join(download.streaming_content))


def test_png_and_webp_lose_their_text_exif_and_xmp():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三丰 13812345678")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    png = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(
        png, "PNG", pnginfo=info, exif=exif_with_gps(orientation=1).tobytes()
    )
    webp = io.BytesIO()
    Image.new("RGB", (8, 8)).save(webp, "WEBP", exif=exif_with_gps().tobytes(), xmp=XMP)

    cleaned_png = clean_photo(SimpleUploadedFile("a.png", png.getvalue(), "image/png")).read()
    cleaned_webp = clean_photo(SimpleUploadedFile("b.webp", webp.getvalue(), "image/webp")).read()

    assert b"13812345678" not in cleaned_png
    assert_clean_image(cleaned_png)
    assert Image.open(io.BytesIO(cleaned_png)).mode == "RGBA"  # transparency kept
    assert_clean_image(cleaned_webp)


def test_a_photo_named_for_another_type_is_stored_under_its_real_type():
    cleaned = clean_photo(SimpleUploadedFile("photo.gif", jpeg_with_gps(), "image/gif"))

    assert cleaned.name == "photo.jpg"
    assert cleaned.content_type == "image/jpeg"


def test_a_huge_photo_is_scaled_down(settings):
    settings.RENOVATION_PHOTO_MAX_SIDE = 100

    cleaned = clean_photo(SimpleUploadedFile("big.jpg", jpeg_with_gps(size=(400, 200)), ""))

    assert max(Image.open(cleaned).size) == 100


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("site.jpg", b"<html><script>alert(1)</script></html>"),
        ("site.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("site.tiff", None),
    ],
    ids=["html-as-jpeg", "svg", "tiff"],
)
def test_only_raster_photos_are_accepted(
    client, street_officer, project, item_small, today, name, data
):
    if data is None:
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4)).save(buffer, "TIFF")
        data = buffer.getvalue()
    client.force_login(street_officer)

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "10",
            "photos": [SimpleUploadedFile(name, data, "image/jpeg")],
            "version": "",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["photos"]
    assert not ProgressPhoto.objects.exists()


def test_oversized_photo_gets_a_translated_message(
    client, street_officer, project, item_small, today, settings
):
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    client.force_login(street_officer)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 1), "image/jpeg")

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {"report_date": today.isoformat(), f"item_{item_small.pk}": "10", "photos": [big]},
    )

    with translation.override("zh-hans"):
        expected = translation.gettext("Each photo must be smaller than %(size)s MB.") % {"size": 1}
    assert expected in response.content.decode()
    assert not ProgressPhoto.objects.exists()


def test_a_request_far_above_every_limit_is_refused_before_it_is_stored(
    client, street_officer, project, item_small, today, settings
):
    settings.RENOVATION_UPLOAD_MAX_REQUEST_BYTES = 64 * 1024
    client.force_login(street_officer)

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "10",
            "photos": [SimpleUploadedFile("a.jpg", b"0" * 128 * 1024, "image/jpeg")],
        },
    )

    assert response.status_code == 400
    assert not ProgressPhoto.objects.exists()


# --- Where uploads live and who may fetch them ------------------------------------------------


def test_media_is_outside_static_and_never_served_by_url(
    client, other_street_records, district_official, settings
):
    photo = other_street_records["photo"]
    media = Path(settings.MEDIA_ROOT).resolve()
    static_root = Path(django_settings.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static_root)
    assert not any(media.is_relative_to(Path(d).resolve()) for d in settings.STATICFILES_DIRS)
    client.force_login(district_official)  # may see the photo, through its view only

    assert client.get(reverse("programmes:photo", args=[photo.pk])).status_code == 200
    for prefix in ("/media/", "/static/", f"/{settings.MEDIA_URL.strip('/')}/"):
        assert client.get(prefix + photo.image.name).status_code == 404, prefix


def test_photos_and_minutes_are_404_out_of_scope(
    client, street_officer, other_district_official, other_street_records, today
):
    meeting = governance.meeting_record(
        compound=other_street_records["compound"],
        by=other_street_records["report"].created_by,
        kind=MEETING_KIND,
        held_on=today - dt.timedelta(days=1),
        attendance=30,
        topics="方案讨论",
        minutes=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    photo = other_street_records["photo"]
    for user in (street_officer, other_district_official):
        client.force_login(user)
        assert client.get(reverse("programmes:photo", args=[photo.pk])).status_code == 404
        minutes = client.get(reverse("governance:meeting-minutes", args=[meeting.pk]))
        assert minutes.status_code == 404
    client.logout()
    assert client.get(reverse("programmes:photo", args=[photo.pk])).status_code == 302


# --- Meeting minutes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("纪要.pdf", b"MZ\x90\x00 not a pdf"),
        ("纪要.doc", b"%PDF-1.4 a pdf named doc"),
        ("纪要.docx", b"PK\x03\x04 not really a zip"),
        ("纪要.jpg", b"%PDF-1.4 a pdf named jpg"),
    ],
    ids=["pdf", "doc", "docx", "jpg"],
)
def test_minutes_whose_content_does_not_match_their_type_are_refused(
    street_officer, project, today, name, data, settings
):
    with pytest.raises(ValidationError) as error:
        governance.meeting_record(
            compound=project.compound,
            by=street_officer,
            kind=MEETING_KIND,
            held_on=today,
            attendance=30,
            topics="方案讨论",
            minutes=SimpleUploadedFile(name, data, "application/octet-stream"),
        )

    assert "minutes" in error.value.message_dict
    assert not Meeting.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_real_minutes_are_accepted_and_a_photo_of_them_loses_its_gps(
    street_officer, project, today
):
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    uploads = [
        SimpleUploadedFile("纪要.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf"),
        SimpleUploadedFile("纪要.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, ""),
        SimpleUploadedFile("纪要.docx", docx.getvalue(), ""),
        SimpleUploadedFile("纪要.jpg", jpeg_with_gps(), "image/jpeg"),
    ]

    for upload in uploads:
        meeting = governance.meeting_record(
            compound=project.compound,
            by=street_officer,
            kind=MEETING_KIND,
            held_on=today,
            attendance=30,
            topics="方案讨论",
            minutes=upload,
        )
        assert meeting.minutes, upload.name

    with meeting.minutes.open("rb") as handle:
        assert_clean_image(handle.read())


# --- Sheets ----------------------------------------------------------------------------------


def zip_bomb(unpacked: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"0" * unpacked)
    return buffer.getvalue()


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(settings):
    settings.RENOVATION_SHEET_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = zip_bomb(2 * 1024 * 1024)
    assert len(bomb) < 20 * 1024  # small on the wire

    with pytest.raises(ValueError, match="unpacks"):
        check_workbook(bomb)
    tables, errors = read_tables(SimpleUploadedFile("摸排.xlsx", bomb, ""))
    assert tables == []
    assert len(errors) == 1
    with pytest.raises(ValueError, match="not a zip"):
        check_workbook(b"%PDF-1.4 not a workbook")


def test_workbooks_are_parsed_with_defused_xml():
    from openpyxl.xml import DEFUSEDXML

    # openpyxl protects itself against XML entity expansion only when defusedxml is installed.
    assert DEFUSEDXML is True
