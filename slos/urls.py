app_name = "slos"

urlpatterns = []
