from django.urls import path

from collective import views

urlpatterns = [path("<slug:code>/esiti/", views.results, name="collective_results")]
