"""Uploads through the API, the same services and checks as the pages: progress photos
(POST /progress-reports/{id}/photos/, GET /progress-photos/{id}/file/), meeting minutes
(POST and GET /meetings/{id}/minutes/) and ballot sheets (POST /votes/{id}/ballots/, dry run or
all-or-nothing import). Multipart only on these actions; scope, roles and versions as for every
other write."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from governance.models import Ballot, Meeting, OwnerVote
from governance.services import meeting_minutes_attach
from programmes import services
from programmes.models import ProgressPhoto, ProgressReport, Project, Stage
from tests.api import test_governance_api
from tests.api.fuzzing import fuzz_operations
from tests.api.test_schemathesis import (  # noqa: F401 (fixture)
    _headers,
    _keep_the_test_transaction,
)
from tests.conftest import GIF_BYTES, is_reencoded_gif

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# A committee, a meeting, a vote and a suggestion for street A's compound and street B's.
records = test_governance_api.records


def _gif(name: str = "site.gif") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, GIF_BYTES, content_type="image/gif")


def _stored(settings, folder: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


# --- Progress photos -----------------------------------------------------------------------


@pytest.fixture
def report(project, item_small, street_officer, file_report):
    return file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})


def _photos_url(report) -> str:
    return reverse("api:progress-report-photos", args=[report.pk])


def test_street_officer_adds_photos_to_a_report(street_api, street_officer, report, settings):
    response = street_api.post(
        _photos_url(report),
        {"photo": [_gif("east.gif"), _gif("west.gif")], "caption": " 管网开挖 "},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    photos = list(ProgressPhoto.objects.filter(report=report).order_by("id"))
    assert len(photos) == 2
    assert {photo.created_by for photo in photos} == {street_officer}
    assert {photo.caption for photo in photos} == {"管网开挖"}
    for photo in photos:
        with photo.image.open("rb") as handle:
            assert is_reencoded_gif(handle.read())
    assert len(_stored(settings, "progress")) == 2
    report.refresh_from_db()
    assert report.version == 2
    assert response["ETag"] == '"2"'
    latest = report.history.latest()
    assert latest.history_user == street_officer
    assert latest.version == 2
    body = response.json()
    assert body["version"] == 2
    assert [item["id"] for item in body["photo_files"]] == [photo.pk for photo in photos]
    assert body["photo_files"][0]["created_by"] == street_officer.username
    assert body["photo_files"][0]["file"].endswith(
        reverse("api:progress-photo-file", args=[photos[0].pk])
    )


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("notes.gif", b"this is not an image", content_type="image/gif"),
        SimpleUploadedFile("empty.gif", b"", content_type="image/gif"),
        SimpleUploadedFile("site.txt", GIF_BYTES, content_type="text/plain"),
    ],
    ids=["not-an-image", "empty", "not-an-image-extension"],
)
def test_a_bad_photo_is_400_and_saves_nothing(street_api, report, settings, upload):
    response = street_api.post(_photos_url(report), {"photo": [_gif(), upload]}, format="multipart")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert any(key.startswith("photo") for key in body["errors"]), body
    assert not ProgressPhoto.objects.filter(report=report).exists()
    assert _stored(settings, "progress") == []
    report.refresh_from_db()
    assert report.version == 1


def test_an_oversized_photo_is_400_and_saves_nothing(street_api, report, settings):
    settings.PHOTO_MAX_BYTES = len(GIF_BYTES) - 1

    response = street_api.post(
        _photos_url(report), {"photo": [_gif()]}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["photo"] == ["Each photo must be smaller than 0 MB."]
    assert not ProgressPhoto.objects.filter(report=report).exists()
    assert _stored(settings, "progress") == []


def test_photo_errors_are_in_the_requests_language(street_api, report):
    bad = {"photo": [SimpleUploadedFile("x.gif", b"nope", content_type="image/gif")]}

    zh = street_api.post(_photos_url(report), bad, format="multipart").json()
    en = street_api.post(
        _photos_url(report),
        {"photo": [SimpleUploadedFile("x.gif", b"nope", content_type="image/gif")]},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()

    assert en["errors"]["photo"][0].startswith("Upload a valid image.")
    assert zh["errors"]["photo"][0] != en["errors"]["photo"][0]


def test_photos_need_a_file_and_multipart(street_api, report):
    without = street_api.post(_photos_url(report), {"caption": "无图"}, format="multipart")
    as_json = street_api.post(_photos_url(report), {"caption": "无图"}, format="json")

    assert without.status_code == 400
    assert "photo" in without.json()["errors"]
    assert as_json.status_code == 415
    assert as_json.json()["code"] == "unsupported_media_type"
    assert not ProgressPhoto.objects.exists()


def test_stale_report_version_is_409_and_saves_no_photo(street_api, report):
    response = street_api.post(
        _photos_url(report), {"photo": [_gif()], "version": 7}, format="multipart"
    )
    by_header = street_api.post(
        _photos_url(report), {"photo": [_gif()]}, format="multipart", HTTP_IF_MATCH='"7"'
    )

    assert response.status_code == 409
    assert by_header.status_code == 409
    assert not ProgressPhoto.objects.filter(report=report).exists()


def test_photos_only_while_the_project_is_under_construction(street_api, report, project):
    Project.objects.filter(pk=project.pk).update(stage=Stage.ACCEPTED)

    response = street_api.post(_photos_url(report), {"photo": [_gif()]}, format="multipart")

    assert response.status_code == 400
    assert not ProgressPhoto.objects.filter(report=report).exists()


def test_photos_on_another_streets_report_are_404(street_api, other_street_records):
    other = other_street_records["report"]
    before = ProgressPhoto.objects.count()

    response = street_api.post(_photos_url(other), {"photo": [_gif()]}, format="multipart")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ProgressPhoto.objects.count() == before
    assert ProgressReport.objects.get(pk=other.pk).version == other.version


def test_api_client_keys_and_district_officials_cannot_add_photos(reader_api, district_api, report):
    reader = reader_api.post(_photos_url(report), {"photo": [_gif()]}, format="multipart")
    district = district_api.post(_photos_url(report), {"photo": [_gif()]}, format="multipart")

    assert reader.status_code == 403
    assert reader.json()["code"] == "permission_denied"
    assert district.status_code == 403
    assert not ProgressPhoto.objects.filter(report=report).exists()


def test_photo_download_streams_the_bytes_to_users_in_scope_only(
    street_api, district_api, client_for, other_district_official, anonymous, other_street_records
):
    photo = other_street_records["photo"]  # street B's
    url = reverse("api:progress-photo-file", args=[photo.pk])

    allowed = district_api.get(url, HTTP_ACCEPT="image/*")
    body = b"".join(allowed.streaming_content)

    assert allowed.status_code == 200
    assert allowed["Content-Type"] == "image/gif"
    assert body == GIF_BYTES
    assert street_api.get(url).status_code == 404
    assert client_for(other_district_official).get(url).status_code == 404
    assert anonymous.get(url).status_code == 401
    assert street_api.get(url).json()["code"] == "not_found"


def test_uploaded_photo_downloads_and_lists_for_its_report(street_api, report):
    street_api.post(_photos_url(report), {"photo": [_gif()]}, format="multipart")
    photo = ProgressPhoto.objects.get(report=report)

    download = street_api.get(reverse("api:progress-photo-file", args=[photo.pk]))
    listed = street_api.get(reverse("api:progress-photo-list"), {"report": report.pk}).json()

    assert is_reencoded_gif(b"".join(download.streaming_content))
    assert [row["id"] for row in listed["results"]] == [photo.pk]
    assert listed["results"][0]["report"] == report.pk


def test_photo_list_holds_only_photos_in_scope(street_api, district_api, other_street_records):
    photo = other_street_records["photo"]

    mine = street_api.get(reverse("api:progress-photo-list")).json()["results"]
    everyone = district_api.get(reverse("api:progress-photo-list")).json()["results"]

    assert photo.pk not in [row["id"] for row in mine]
    assert photo.pk in [row["id"] for row in everyone]


def test_more_files_than_django_accepts_is_a_400_in_the_common_shape(street_api, report, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3

    response = street_api.post(
        _photos_url(report), {"photo": [_gif(f"{n}.gif") for n in range(4)]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not ProgressPhoto.objects.filter(report=report).exists()


# --- Meeting minutes -----------------------------------------------------------------------


def _minutes_url(meeting) -> str:
    return reverse("api:meeting-minutes", args=[meeting.pk])


def _pdf(name: str = "纪要.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_street_officer_uploads_minutes_and_downloads_them(
    street_api, street_officer, records, settings
):
    meeting = records["a"]["meeting"]

    response = street_api.post(_minutes_url(meeting), {"minutes": _pdf()}, format="multipart")

    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.minutes
    assert meeting.updated_by == street_officer
    assert meeting.history.latest().history_user == street_officer
    assert len(_stored(settings, "governance/minutes")) == 1
    assert response.json()["minutes_file"].endswith(_minutes_url(meeting))
    download = street_api.get(_minutes_url(meeting), HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("setup.exe", b"MZ....", content_type="application/octet-stream"),
        SimpleUploadedFile("纪要.pdf", b"", content_type="application/pdf"),
        SimpleUploadedFile("minutes", PDF_BYTES, content_type="application/pdf"),
    ],
    ids=["wrong-type", "empty", "no-extension"],
)
def test_bad_minutes_are_400_and_change_nothing(street_api, records, settings, upload):
    meeting = records["a"]["meeting"]
    history = meeting.history.count()

    response = street_api.post(_minutes_url(meeting), {"minutes": upload}, format="multipart")

    assert response.status_code == 400, response.content
    assert "minutes" in response.json()["errors"]
    assert not Meeting.objects.get(pk=meeting.pk).minutes
    assert meeting.history.count() == history
    assert _stored(settings, "governance/minutes") == []


def test_oversized_minutes_are_400(street_api, records, settings):
    meeting = records["a"]["meeting"]
    big = _pdf(data=PDF_BYTES + b"0" * (10 * 1024 * 1024))

    response = street_api.post(
        _minutes_url(meeting), {"minutes": big}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["minutes"] == ["The minutes must be smaller than 10 MB."]
    assert not Meeting.objects.get(pk=meeting.pk).minutes
    assert _stored(settings, "governance/minutes") == []


def test_minutes_of_another_street_are_404_both_ways(
    street_api, street_officer_b, client_for, records
):
    other = records["b"]["meeting"]
    client_for(street_officer_b).post(_minutes_url(other), {"minutes": _pdf()}, format="multipart")
    stored = Meeting.objects.get(pk=other.pk).minutes.name
    assert stored

    upload = street_api.post(_minutes_url(other), {"minutes": _pdf("x.pdf")}, format="multipart")
    download = street_api.get(_minutes_url(other))

    assert upload.status_code == 404
    assert download.status_code == 404
    assert download["Content-Type"].startswith("application/json")
    assert Meeting.objects.get(pk=other.pk).minutes.name == stored


def test_minutes_are_downloadable_by_the_district_not_beyond(
    district_api, client_for, other_district_official, street_officer, records
):
    meeting = records["a"]["meeting"]
    client_for(street_officer).post(_minutes_url(meeting), {"minutes": _pdf()}, format="multipart")

    ok = district_api.get(_minutes_url(meeting))

    assert b"".join(ok.streaming_content) == PDF_BYTES
    assert client_for(other_district_official).get(_minutes_url(meeting)).status_code == 404


def test_a_meeting_without_minutes_has_nothing_to_download(street_api, records):
    response = street_api.get(_minutes_url(records["a"]["meeting"]))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_client_keys_cannot_upload_minutes(reader_api, district_api, records):
    meeting = records["a"]["meeting"]

    reader = reader_api.post(_minutes_url(meeting), {"minutes": _pdf()}, format="multipart")
    district = district_api.post(_minutes_url(meeting), {"minutes": _pdf()}, format="multipart")

    assert reader.status_code == 403
    assert district.status_code == 403
    assert not Meeting.objects.get(pk=meeting.pk).minutes


# --- Ballot sheets -------------------------------------------------------------------------

# 70 of the vote's 100 owners with 100 m² each (7000 of 9000 m²): 60 agree, 5 oppose, 5 abstain.
GOOD_ROWS = (
    [(f"1-{n}", "100.00", "同意") for n in range(60)]
    + [(f"2-{n}", "100.00", "反对") for n in range(5)]
    + [(f"3-{n}", "100.00", "弃权") for n in range(5)]
)


def _sheet(rows, name: str = "ballots.csv") -> SimpleUploadedFile:
    text = "房号,专有面积,表决意见\n" + "".join(f"{r},{a},{c}\n" for r, a, c in rows)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["room", "area", "choice"])
    for room, area, choice in rows:
        sheet.append([room, float(area), choice])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "ballots.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _ballots_url(vote) -> str:
    return reverse("api:vote-ballots", args=[vote.pk])


BAD_ROWS = [
    *GOOD_ROWS[:2],
    ("1-99", "-3", "同意"),
    ("1-98", "100.00", "也许"),
    ("1-0", "1", "同意"),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dry_run_reports_row_errors_with_columns_and_saves_nothing(street_api, records, language):
    vote = records["a"]["vote"]

    response = street_api.post(
        _ballots_url(vote),
        {"file": _sheet(BAD_ROWS), "dry_run": "true"},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["valid"], body["saved"]) == (True, False, False)
    assert body["ballots"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (4, "area"),
        (5, "choice"),
        (6, "room"),
    ]
    assert body["tally"] is None
    assert body["outcome"] is None
    if language == "en":
        assert body["errors"][0]["message"].startswith("Row 4: the area “-3”")
    assert not Ballot.objects.exists()
    vote.refresh_from_db()
    assert vote.version == 1
    assert vote.tally_method == OwnerVote.TallyMethod.NONE


def test_a_sheet_with_one_bad_row_imports_nothing(street_api, records):
    vote = records["a"]["vote"]
    rows = [*GOOD_ROWS, ("9-9", "abc", "同意")]

    response = street_api.post(
        _ballots_url(vote),
        {"file": _sheet(rows), "dry_run": "false"},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["file"] == [
        "Row 72: the area “abc” is not a positive number of m² with two decimals at most."
    ]
    assert not Ballot.objects.exists()
    vote.refresh_from_db()
    assert (vote.version, vote.tally_method, vote.participating_owners) == (
        1,
        OwnerVote.TallyMethod.NONE,
        0,
    )


def test_dry_run_of_a_good_sheet_previews_the_tally_and_saves_nothing(street_api, records):
    vote = records["a"]["vote"]

    body = street_api.post(
        _ballots_url(vote), {"file": _sheet(GOOD_ROWS)}, format="multipart"
    ).json()

    assert (body["dry_run"], body["valid"], body["saved"], body["ballots"]) == (
        True,
        True,
        False,
        70,
    )
    assert body["tally"]["agree_owners"] == 60
    assert body["tally"]["abstain_area"] == "500.00"
    assert body["outcome"]["quorum_reached"] is True
    assert body["vote"]["tally_method"] == OwnerVote.TallyMethod.NONE
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("maker", [_sheet, _xlsx], ids=["csv", "xlsx"])
def test_a_good_sheet_updates_the_tally(street_api, street_officer, records, maker):
    vote = records["a"]["vote"]

    response = street_api.post(
        _ballots_url(vote),
        {"file": maker(GOOD_ROWS), "dry_run": "false", "version": "1"},
        format="multipart",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["valid"], body["saved"]) == (False, True, True)
    assert response["ETag"] == '"2"'
    vote.refresh_from_db()
    assert Ballot.objects.filter(vote=vote).count() == 70
    assert vote.tally_method == OwnerVote.TallyMethod.BALLOTS
    assert (vote.participating_owners, vote.agree_owners, vote.oppose_owners) == (70, 60, 5)
    assert vote.participating_area == Decimal("7000.00")
    assert vote.version == 2
    assert vote.history.latest().history_user == street_officer
    assert body["vote"]["agree_owners"] == 60
    assert body["vote"]["version"] == 2


def test_a_file_that_is_no_sheet_is_reported_not_a_500(street_api, records):
    vote = records["a"]["vote"]
    exe = SimpleUploadedFile("ballots.exe", b"MZ\x00\x01", content_type="application/x-msdownload")
    broken = SimpleUploadedFile("ballots.xlsx", b"PK\x03\x04 broken", content_type="text/csv")

    checked = street_api.post(_ballots_url(vote), {"file": exe}, format="multipart").json()
    refused = street_api.post(
        _ballots_url(vote), {"file": broken, "dry_run": "false"}, format="multipart"
    )
    empty = street_api.post(
        _ballots_url(vote),
        {"file": SimpleUploadedFile("b.csv", b""), "dry_run": "false"},
        format="multipart",
    )

    assert checked["valid"] is False
    assert [(e["row"], e["column"]) for e in checked["errors"]] == [(None, None)]
    assert refused.status_code == 400
    assert "file" in refused.json()["errors"]
    assert empty.status_code == 400
    assert not Ballot.objects.exists()


def test_stale_vote_version_is_409_and_imports_nothing(street_api, records):
    vote = records["a"]["vote"]

    response = street_api.post(
        _ballots_url(vote),
        {"file": _sheet(GOOD_ROWS), "dry_run": "false", "version": "5"},
        format="multipart",
    )

    assert response.status_code == 409
    assert not Ballot.objects.exists()


def test_ballots_of_another_street_are_404_and_api_keys_403(
    street_api, reader_api, district_api, records
):
    other = records["b"]["vote"]
    own = records["a"]["vote"]
    payload = {"file": _sheet(GOOD_ROWS), "dry_run": "false"}

    outside = street_api.post(_ballots_url(other), payload, format="multipart")
    reader = reader_api.post(
        _ballots_url(own), {**payload, "file": _sheet(GOOD_ROWS)}, format="multipart"
    )
    district = district_api.post(
        _ballots_url(own), {**payload, "file": _sheet(GOOD_ROWS)}, format="multipart"
    )

    assert outside.status_code == 404
    assert reader.status_code == 403
    assert district.status_code == 403
    assert not Ballot.objects.exists()


# --- Schema ---------------------------------------------------------------------------------


def test_uploads_are_documented_as_multipart_with_their_errors(anonymous, db):
    paths = anonymous.get(reverse("api:schema") + "?format=json").json()["paths"]

    for path in (
        "/api/v1/progress-reports/{id}/photos/",
        "/api/v1/meetings/{id}/minutes/",
        "/api/v1/votes/{id}/ballots/",
    ):
        operation = paths[path]["post"]
        assert list(operation["requestBody"]["content"]) == ["multipart/form-data"], path
        assert {"400", "403", "404", "415"} <= set(operation["responses"]), path
    assert "409" in paths["/api/v1/votes/{id}/ballots/"]["post"]["responses"]
    assert "409" in paths["/api/v1/progress-reports/{id}/photos/"]["post"]["responses"]
    download = paths["/api/v1/progress-photos/{id}/file/"]["get"]["responses"]["200"]
    assert "image/*" in download["content"]
    # JSON everywhere else: the other writes still take JSON only.
    filing = paths["/api/v1/projects/{id}/progress-reports/"]["post"]["requestBody"]["content"]
    assert list(filing) == ["application/json"]


# --- Fuzzing -------------------------------------------------------------------------------

UPLOAD_PATHS = (
    r"^/api/v1/(progress-reports/[^/]+/photos|progress-photos"
    r"|meetings/[^/]+/minutes|votes/[^/]+/ballots)/"
)


@pytest.fixture
def upload_records(records, report, street_officer, street_officer_b, other_street_records):
    """Photos and minutes on both sides of the street boundary, so generated ids hit them."""
    services.progress_photos_add(report=report, by=street_officer, photos=[_gif()])
    for side, officer in (("a", street_officer), ("b", street_officer_b)):
        meeting_minutes_attach(meeting=records[side]["meeting"], by=officer, minutes=_pdf())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["district_api", "street_api", "reader_api"])
def test_upload_operations_never_give_a_server_error(upload_records, role, request):
    """Schemathesis generates the multipart bodies (random bytes as files, any file name): every
    answer must be documented and none a 500."""
    headers = _headers(request.getfixturevalue(role))
    report = fuzz_operations(headers, UPLOAD_PATHS, role=role, examples=12)
    assert report.operations == 7, report.operations
    assert not report.failures, "\n\n".join(report.failures)
