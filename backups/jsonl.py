"""Django's JSON-lines serializer, keeping the microseconds of times (DjangoJSONEncoder cuts them to
milliseconds, so a restored row would differ from the one backed up), reading rows into the models of a
migration state when asked."""

import datetime

from django.apps import apps
from django.core.serializers.base import DeserializationError
from django.core.serializers.jsonl import Deserializer as JSONLDeserializer
from django.core.serializers.jsonl import Serializer as JSONLSerializer

NAME = "tidtam-jsonl"


class Serializer(JSONLSerializer):
    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, (datetime.datetime, datetime.time)):
            return value.isoformat()
        return super()._value_from_field(obj, field)


class Deserializer(JSONLDeserializer):
    """Reads rows into the models of ``registry`` (a migration state's, see backups.states) or the code's."""

    def __init__(self, stream_or_string, *, registry=None, **options):
        super().__init__(stream_or_string, **options)
        self.registry = registry or apps

    def _get_model_from_node(self, model_identifier):
        try:
            return self.registry.get_model(model_identifier)
        except (LookupError, TypeError):
            raise DeserializationError(f"Invalid model identifier: {model_identifier}")
