from django.apps import AppConfig


class WhooshJiebaTestsConfig(AppConfig):
    name = "tests.whoosh_jieba.testapp"
    label = "whoosh_jieba_tests"
    default_auto_field = "django.db.models.BigAutoField"
