from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("dati-aperti/", views.open_data, name="open_data"),
    path("dati-aperti/catalogo.jsonld", views.open_data_catalogue, name="open_data_catalogue"),
    path("dati-aperti/<slug:identifier>.<str:kind>", views.open_data_file, name="open_data_file"),
    path("famiglia/benessere/<int:pk>/", views.child_wellbeing, name="child_wellbeing"),
]
