from django.apps import AppConfig


class ThemeConfig(AppConfig):
    name = "theme"
    verbose_name = "Milano 0.18 theme"

    def ready(self) -> None:
        from theme import chrome_cache, spreadsheet

        chrome_cache.connect_signals()
        spreadsheet.install()
