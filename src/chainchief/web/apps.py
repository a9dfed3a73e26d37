from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chainchief.web"
    label = "web"
    verbose_name = "页面"
