from django.contrib import admin
from django.urls import include, path

from chainchief.api.api import api
from chainchief.chains.urls import reference_urlpatterns
from chainchief.core.views import health

urlpatterns = [
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("chains/", include("chainchief.chains.urls")),
    path("enterprises/", include("chainchief.enterprises.urls")),
    path("audit/", include("chainchief.audit.urls")),
    path("monitoring/", include("chainchief.monitoring.urls")),
    path("maps/", include("chainchief.maps.urls", namespace="chainmap")),
    path("imports/", include("chainchief.imports.urls")),
    path("requests/", include("chainchief.appeals.urls")),
    path("work/", include("chainchief.work.urls")),
    path("investment/", include("chainchief.investment.urls")),
    path("insights/", include("chainchief.insights.urls")),
    path("briefings/", include("chainchief.briefings.urls")),
    path("province/", include("chainchief.province.urls")),
    path("attachments/", include("chainchief.attachments.urls")),
    path("", include(reference_urlpatterns)),
    path("", include("chainchief.web.urls")),
]
