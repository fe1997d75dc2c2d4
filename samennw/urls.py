from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from samennw import urls_public, views, views_otp
from samennw.admin_site import restrict_admin

restrict_admin(admin.site)

urlpatterns = [
    path("health/", views.health_view, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include(urls_public.urlpatterns_plain)),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path(_("mijn/"), views.my_portal, name="my_portal"),
    path(_("inloggen/"), auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path(_("uitloggen/"), auth_views.LogoutView.as_view(), name="logout"),
    path(_("tweestapsverificatie/instellen/"), views_otp.setup, name="otp_setup"),
    path(_("tweestapsverificatie/"), views_otp.verify, name="otp_verify"),
    path(_("wachtwoord/vergeten/"), auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(_("wachtwoord/verstuurd/"), auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        _("wachtwoord/nieuw/<uidb64>/<token>/"),
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(_("wachtwoord/klaar/"), auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("domains.urls")),
    path("", include("samennw.urls_public")),
    path(_("actielijnen/"), include("actielijnen.urls")),
    path("", include("monitoring.urls")),
    path(_("financiering/"), include("financiering.urls")),
    path(_("netwerkgroep/"), include("netwerkgroep.urls")),
    path("beheer/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
