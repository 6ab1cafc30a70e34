from django.contrib import admin

from postmortems.models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "team"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "team"]
