from django.db import models


class Service(models.Model):
    """An entry of the small service catalogue that incidents and SLOs refer to."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    team = models.CharField(max_length=100, blank=True, help_text="Owning team")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
