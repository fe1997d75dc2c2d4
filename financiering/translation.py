from modeltranslation.translator import TranslationOptions, register

from financiering.models import Fund


@register(Fund)
class FundTranslation(TranslationOptions):
    fields = ("name", "notes")
