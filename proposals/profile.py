"""The proposals module's sections of a person's public profile page (accounts.profile_sections)."""

from django.utils.translation import gettext_lazy as _

from accounts.profile_sections import ProfileSection

from . import selectors


def proposals_section(*, person, viewer) -> ProfileSection | None:
    if not person.profile_shows_proposals:
        return None
    return ProfileSection("proposals", _("Proposals"), "proposals/_profile_proposals.html",
                          {"proposals": selectors.public_proposals_by(user=person)})


def comments_section(*, person, viewer) -> ProfileSection | None:
    if not person.profile_shows_comments:
        return None
    return ProfileSection("comments", _("Comments"), "proposals/_profile_comments.html",
                          {"comments": selectors.public_comments_by(user=person)})
