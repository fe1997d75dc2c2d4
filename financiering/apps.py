from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancieringConfig(AppConfig):
    name = "financiering"
    verbose_name = _("Financiering en alliantiebestuur")
    default_auto_field = "django.db.models.BigAutoField"
