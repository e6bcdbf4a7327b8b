"""Where an identity-verification provider (PASS, 휴대폰 본인인증, 공동인증서 …) plugs in.

The platform has no contract with any provider, so none is called here. A city that has one writes a
subclass of ``IdentityProvider`` (its client library, its keys) and names it in the setting
``IDENTITY_PROVIDER`` (a dotted path). The flow is the usual redirect: ``start`` returns the URL to send
the person to, the provider comes back to the platform, and ``complete`` turns what it returned into a
``VerifiedIdentity``. ``accounts.services.apply_verified_identity`` then marks the person a verified
resident when the provider confirms an address in Seoul (docs/identity.md). What a provider returns
beyond that (name, birth date, CI/DI) is not stored: only the result and its time.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class VerifiedIdentity:
    """What the platform keeps from a provider's answer."""

    provider: str  # e.g. "pass"
    subject: str  # the provider's stable, opaque identifier of the person (a hash of the DI, not the DI)
    is_adult: bool | None = None  # None when the provider did not say
    lives_in_seoul: bool | None = None
    district: str = ""  # accounts.districts.District code, when the provider gives an address


class IdentityProvider:
    """Subclass this for a provider; the methods below are the whole interface."""

    name = "base"

    def start(self, *, request, return_url: str) -> str:
        """The URL of the provider's page to send the person to; it will come back to ``return_url``."""
        raise NotImplementedError

    def complete(self, *, request) -> VerifiedIdentity:
        """Check the provider's answer in ``request`` (its signature, that it answers our ``start``) and
        return what it confirms; raise ``django.core.exceptions.ValidationError`` if it does not check."""
        raise NotImplementedError


def configured_provider() -> IdentityProvider | None:
    """The provider named in settings.IDENTITY_PROVIDER, or None when the city has none."""
    path = getattr(settings, "IDENTITY_PROVIDER", "")
    if not path:
        return None
    provider = import_string(path)()
    if not isinstance(provider, IdentityProvider):
        raise TypeError(f"{path} is not an accounts.identity.IdentityProvider")
    return provider
