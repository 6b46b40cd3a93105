"""Request parsers that drop control characters (U+0000-U+001F but tab and line breaks,
U+007F-U+009F) from every string of the input, so that no record can hold one: they broke the
XML of Excel exports for everyone who later exported the record. The pages do the same in
renovation.middleware.ControlCharacterMiddleware."""

from __future__ import annotations

from django.http import QueryDict
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser

from renovation.validation import strip_control_characters_deep


def clean_query_dict(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(key, strip_control_characters_deep(values))
    cleaned._mutable = False
    return cleaned


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return strip_control_characters_deep(super().parse(stream, media_type, parser_context))


class CleanFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return clean_query_dict(super().parse(stream, media_type, parser_context))


class CleanMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return DataAndFiles(clean_query_dict(parsed.data), parsed.files)
