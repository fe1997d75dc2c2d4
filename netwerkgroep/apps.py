from django.apps import AppConfig


class NetwerkgroepConfig(AppConfig):
    name = "netwerkgroep"
    default_auto_field = "django.db.models.BigAutoField"
