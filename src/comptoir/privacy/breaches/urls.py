app_name = "breaches"

urlpatterns: list = []
