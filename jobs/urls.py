from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/<str:kind>/", views.job_new, name="new"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("<int:pk>/resume/", views.job_resume, name="resume"),
    path("<int:pk>/report.csv", views.job_report, name="report"),
]
