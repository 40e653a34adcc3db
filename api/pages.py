"""Every list the API answers comes in pages of a bounded size: ?page=2, ?page_size= up to
MAX_PAGE_SIZE (a larger one is read as MAX_PAGE_SIZE). A page past the last is not found
(404)."""

from rest_framework.pagination import PageNumberPagination

from targets.stages import Stage

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Pages(PageNumberPagination):
    """{"count", "next", "previous", "results"}: the rows of one page, how many there are in
    all, and the addresses of the pages before and after it."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class PagesAtStage(Pages):
    """Pages of rows read at a stage of the year (the view's ``stage``), which the answer
    names beside its rows: {"stage", "count", "next", "previous", "results"}."""

    def paginate_queryset(self, queryset, request, view=None):
        self.stage = view.stage
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"stage": self.stage.value, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {
            "stage": {
                "type": "string",
                "enum": list(Stage.values),
                "description": "The stage the rows' assessments and percents are read at.",
            },
            **paginated["properties"],
        }
        paginated["required"] = ["stage", *paginated.get("required", [])]
        return paginated
