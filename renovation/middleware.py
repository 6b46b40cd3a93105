"""Language selection (Chinese by default, English when the user chooses it), and a clean 503
when the database cannot be reached."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from renovation.api.exceptions import error_body
from renovation.api.parsers import clean_query_dict

logger = logging.getLogger(__name__)


class PreferredLanguageMiddleware(LocaleMiddleware):
    """Pages are in Simplified Chinese unless the user picked another language with the switch
    (kept in the language cookie). A browser's Accept-Language is not enough: officials'
    machines are often set up in English while the office works in Chinese. The API, used by
    programs rather than people, honours Accept-Language."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """A request that cannot reach the database (a restart, a fail-over, a network cut) answers
    503 Service Unavailable with Retry-After, in the user's language, instead of a 500: a page
    gets a standalone page (it must not query the database, so no site header), the API its
    usual JSON error shape. The connection is reopened by the next request once the database
    is back (CONN_HEALTH_CHECKS), so the app needs no restart. Other errors are left to
    Django's 500 handling."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            "Database unavailable while serving %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        if request.path_info.startswith("/api/"):
            response = JsonResponse(
                error_body(
                    503,
                    "service_unavailable",
                    _("The service is temporarily unavailable. Try again in a minute."),
                ),
                status=503,
            )
        else:
            response = HttpResponse(
                render_to_string(
                    "503.html",
                    {"retry_url": request.get_full_path(), "retry_after": self.RETRY_AFTER_SECONDS},
                ),
                status=503,
            )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


class ControlCharacterMiddleware:
    """Pages: the posted form data without control characters (see renovation/api/parsers.py).
    Only form posts to pages; the API parses its own bodies, and reading request.POST here
    would use up the stream its parsers read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method == "POST" and not request.path_info.startswith("/api/"):
            request.POST = clean_query_dict(request.POST)
        return None
