from modeltranslation.translator import TranslationOptions, register

from monitoring.models import Edition, EditionStory, Indicator, Verhaal, VerhaalPersoon

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


@register(Indicator)
class IndicatorTR(TranslationOptions):
    fields = ("name", "definition", "unit_label", "target_note")


@register(Edition)
class EditionTR(TranslationOptions):
    fields = ("title", "voorwoord", "voorwoord_author_role", "introduction", "money_text", "colofon")


@register(EditionStory)
class EditionStoryTR(TranslationOptions):
    fields = ("title_choice",)
