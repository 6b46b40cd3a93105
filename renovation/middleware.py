"""Language selection: Chinese by default, English when the user chooses it."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
