from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        # The Jobs page shows the jobs; the task rows behind them (django-tasks-db's own admin) stay out of the
        # admin, where they could only be looked at, never added or changed.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
