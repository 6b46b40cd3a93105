"""Shared fixtures: a small geography with two districts in one city and a second city, one user
per role and scope, and projects on either side of the scope boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programmes import services
from programmes.models import ProgressPhoto
from renovation.models import User
from tests import factories

# A 1×1 transparent GIF: the smallest real image Pillow accepts.
GIF_BYTES = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def is_reencoded_gif(data: bytes) -> bool:
    """Uploaded photos are re-encoded: the stored GIF_BYTES is a 1×1 GIF, not the same bytes."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.format == "GIF" and image.size == (1, 1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded photos go to a per-test directory, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


# --- Geography -----------------------------------------------------------------------------


@pytest.fixture
def city(db):
    return factories.CityFactory(name="成都市")


@pytest.fixture
def district(city):
    return factories.DistrictFactory(city=city, name="青羊区")


@pytest.fixture
def street_a(district):
    return factories.StreetFactory(district=district, name="草堂街道")


@pytest.fixture
def street_b(district):
    return factories.StreetFactory(district=district, name="少城街道")


@pytest.fixture
def other_district(city):
    return factories.DistrictFactory(city=city, name="武侯区")


@pytest.fixture
def other_district_street(other_district):
    return factories.StreetFactory(district=other_district, name="玉林街道")


@pytest.fixture
def other_city_street(db):
    return factories.StreetFactory(district__city__name="南通市", name="崇川街道")


# --- Users ---------------------------------------------------------------------------------


@pytest.fixture
def district_official(district):
    return factories.UserFactory(
        username="district", role=User.Role.DISTRICT_OFFICIAL, district=district
    )


@pytest.fixture
def street_officer(street_a):
    return factories.UserFactory(
        username="street_a", role=User.Role.STREET_OFFICER, street=street_a
    )


@pytest.fixture
def street_officer_b(street_b):
    return factories.UserFactory(
        username="street_b", role=User.Role.STREET_OFFICER, street=street_b
    )


@pytest.fixture
def other_district_official(other_district):
    return factories.UserFactory(
        username="other_district", role=User.Role.DISTRICT_OFFICIAL, district=other_district
    )


@pytest.fixture
def city_viewer(city):
    return factories.UserFactory(username="city", role=User.Role.CITY_VIEWER, city=city)


@pytest.fixture
def api_client_user(city):
    return factories.UserFactory(username="api", role=User.Role.API_CLIENT, city=city)


# --- Projects ------------------------------------------------------------------------------


@pytest.fixture
def programme(district):
    return factories.ProgrammeFactory(district=district, support_threshold=Decimal("90.00"))


@pytest.fixture
def project(programme, street_a):
    """A project of street A under construction, started 30 days ago, with two work items."""
    return factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        compound__name="水井坊小区",
        in_construction=True,
    )


@pytest.fixture
def item_small(project):
    return factories.WorkItemFactory(
        project=project, planned_quantity=Decimal("100"), budget=Decimal("100")
    )


@pytest.fixture
def item_large(project):
    return factories.WorkItemFactory(
        project=project, planned_quantity=Decimal("200"), budget=Decimal("300")
    )


@pytest.fixture
def file_report(today):
    """File a progress report through the service, with defaults for what a test ignores."""

    def file(*, project, by, quantities, report_date=None, version=None, **kwargs):
        return services.progress_report_file(
            project=project,
            by=by,
            report_date=report_date or today,
            quantities=quantities,
            version=version,
            **kwargs,
        )

    return file


@pytest.fixture
def other_street_records(programme, street_b, street_officer_b, file_report, today):
    """A project of street B with a work item, a submitted report, a photo and an open problem:
    every kind of record a street A officer must not reach."""
    project = factories.ProjectFactory(
        programme=programme,
        compound__street=street_b,
        compound__name="宽窄巷子小区",
        in_construction=True,
    )
    item = factories.WorkItemFactory(project=project)
    report = file_report(
        project=project,
        by=street_officer_b,
        quantities={item.pk: "10"},
        report_date=today - dt.timedelta(days=1),
    )
    photo = ProgressPhoto.objects.create(
        report=report, image=SimpleUploadedFile("site.gif", GIF_BYTES, content_type="image/gif")
    )
    problem = factories.SiteProblemFactory(project=project, created_by=street_officer_b)
    return {
        "project": project,
        "compound": project.compound,
        "item": item,
        "report": report,
        "photo": photo,
        "problem": problem,
    }


def pytest_configure(config):
    # WhiteNoise warns when collectstatic has not run; tests serve static files from the app.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
