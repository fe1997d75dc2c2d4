from modeltranslation.translator import TranslationOptions, register

from monitoring.models import Verhaal, VerhaalPersoon

STORY_FIELDS = ("title", "summary", "body", "image_alt")


@register(Verhaal)
class VerhaalTR(TranslationOptions):
    fields = STORY_FIELDS


@register(Verhaal.history.model)
class HistoricalVerhaalTR(TranslationOptions):
    fields = STORY_FIELDS


@register(VerhaalPersoon)
class VerhaalPersoonTR(TranslationOptions):
    fields = ("role",)
