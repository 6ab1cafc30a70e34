from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """?page=N, ?page_size=N (at most API_MAX_PAGE_SIZE, as /api/slos/); answers count, next,
    previous, results."""

    page_size = 50
    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE
