from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Routes that match with or without a trailing slash (`/api/v1/runs` and `/api/v1/runs/`)."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"
