import contextlib
import ipaddress

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header: the portal uses no camera, microphone or location."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class TrustedProxyMiddleware:
    """The visitor's address behind the reverse proxy, for rate limits, login lockouts and the audit log.

    Behind a proxy every request arrives from the proxy's address, so one visitor over the limit would lock
    out everyone. When REMOTE_ADDR is one of ``SAMENNW_TRUSTED_PROXIES`` (addresses or networks), it becomes
    the right-most address in X-Forwarded-For that is not a trusted proxy: the last hop a trusted proxy saw.
    Addresses to the left of it are the visitor's own claims and are never believed. Without trusted proxies
    (the default) the header is ignored. Put this first, before anything reads REMOTE_ADDR (axes, audit).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = [ipaddress.ip_network(value, strict=False) for value in settings.SAMENNW_TRUSTED_PROXIES]

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def __call__(self, request):
        remote = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if self.trusted and forwarded and self._is_trusted(remote):
            for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
                if self._is_trusted(hop):
                    continue
                # garbage where an address should be: keep the proxy's address
                with contextlib.suppress(ValueError):
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hop))
                break
        return self.get_response(request)
