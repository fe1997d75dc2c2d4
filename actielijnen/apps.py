from django.apps import AppConfig


class ActielijnenConfig(AppConfig):
    name = "actielijnen"
    default_auto_field = "django.db.models.BigAutoField"
