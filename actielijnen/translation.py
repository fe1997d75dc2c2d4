from modeltranslation.translator import TranslationOptions, register

from actielijnen.models import Actielijn, Mijlpaal, Statusupdate

CARD_TEXT_FIELDS = (
    "title", "goal", "smart", "resident_ownership", "problem", "must_change", "current_state", "way_of_working",
    "result", "learning", "monitoring", "risks", "money", "people_needed", "time_needed", "policy_changes",
)


@register(Actielijn)
class ActielijnTR(TranslationOptions):
    fields = CARD_TEXT_FIELDS


@register(Mijlpaal)
class MijlpaalTR(TranslationOptions):
    fields = ("title",)


@register(Statusupdate)
class StatusupdateTR(TranslationOptions):
    fields = ("text",)


# simple-history builds the historical models before modeltranslation adds the per-language
# columns; registering them too keeps every language in the history (and restorable).
@register(Actielijn.history.model)
class HistoricalActielijnTR(TranslationOptions):
    fields = CARD_TEXT_FIELDS


@register(Mijlpaal.history.model)
class HistoricalMijlpaalTR(TranslationOptions):
    fields = ("title",)


@register(Statusupdate.history.model)
class HistoricalStatusupdateTR(TranslationOptions):
    fields = ("text",)
