from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chainchief.api"
    label = "api"
    verbose_name = "API"
