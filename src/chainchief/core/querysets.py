from django.db import models


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """Only the rows ``user`` may perform ``action`` on. See chainchief.core.permissions."""
        from chainchief.core.permissions import restrict

        return restrict(self, user, action)
