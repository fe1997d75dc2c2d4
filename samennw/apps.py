from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamennwConfig(AppConfig):
    name = "samennw"
    verbose_name = _("Portaal")
    default_auto_field = "django.db.models.BigAutoField"
