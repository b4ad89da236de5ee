app_name = "suppression"

urlpatterns: list = []
