"""Django's JSON-lines serializer, keeping the microseconds of times (DjangoJSONEncoder cuts them to
milliseconds, so a restored row would differ from the one backed up)."""

import datetime

from django.core.serializers.jsonl import Deserializer  # noqa: F401 (a serializer module names both)
from django.core.serializers.jsonl import Serializer as JSONLSerializer

NAME = "tidtam-jsonl"


class Serializer(JSONLSerializer):
    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, (datetime.datetime, datetime.time)):
            return value.isoformat()
        return super()._value_from_field(obj, field)
