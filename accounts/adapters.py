"""allauth hooks: new accounts start as unverified citizens."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.role = "citizen"
        user.is_verified_resident = False
        if commit:
            user.save()
        return user
