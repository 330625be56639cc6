"""Admin for people: platform operators list and edit users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

from .models import User


class UserCreateForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "is_platform_operator")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    list_display = ("email", "full_name", "status", "is_platform_operator", "last_login", "date_joined")
    list_filter = ("status", "is_platform_operator")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("status", "last_login", "date_joined", "email_verified_at")
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Status", {"fields": ("status", "email_verified_at", "is_platform_operator")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal = ()
