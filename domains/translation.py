from modeltranslation.translator import TranslationOptions, register

from domains.models import Body, Domain, Focusbuurt, MeetingReport, Opbrengst, Opdracht, Opgave, Organisation


@register(Domain)
class DomainTR(TranslationOptions):
    fields = ("name", "tagline", "waardeperspectief", "summary")


@register(Opgave)
class OpgaveTR(TranslationOptions):
    fields = ("title", "body")


@register(Opdracht)
class OpdrachtTR(TranslationOptions):
    fields = ("title", "body")


@register(Opbrengst)
class OpbrengstTR(TranslationOptions):
    fields = ("title", "body")


@register(Organisation)
class OrganisationTR(TranslationOptions):
    fields = ("description",)


@register(Focusbuurt)
class FocusbuurtTR(TranslationOptions):
    fields = ("description",)


@register(Body)
class BodyTR(TranslationOptions):
    fields = ("name", "description", "rhythm")


@register(MeetingReport)
class MeetingReportTR(TranslationOptions):
    fields = ("title", "text")
