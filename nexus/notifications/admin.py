"""Admin for notifications: the platform's delivery log with re-send, and each person's inbox.

The delivery log holds every person's and contact's messages across tenants, so only platform
operators see it; bounced addresses are found with the status filter. "My notifications" is
open to everyone admitted to the admin and shows only their own.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import Truncator
from unfold.admin import ModelAdmin

from nexus.accounts.models import User
from nexus.core.admin.navigation import Group, register_account_link, register_screen
from nexus.core.admin.operators import is_platform_operator
from nexus.core.admin.queues import register_queue
from nexus.core.errors import Conflict
from nexus.core.models.refs import ActorRef

from .models import Notification, NotificationStatus
from .services import inbox, mark_all_read, mark_read, resend, unread_count


class RecipientKindFilter(admin.SimpleListFilter):
    """Users of Nexus, or contacts (customers and vendors) reached by email."""

    title = "recipient"
    parameter_name = "recipient_kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("user", "Users"), ("contact", "Contacts (customers, vendors)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        if self.value() in ("user", "contact"):
            return queryset.filter(recipient__isnull=self.value() == "contact")
        return queryset


MY_NOTIFICATIONS_PAGE_SIZE = 25


class MarkReadForm(forms.Form):
    """The notifications of the person's inbox ticked on "My notifications"."""

    ids = forms.ModelMultipleChoiceField(queryset=Notification.objects.none(), required=False)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = inbox(user)  # type: ignore[attr-defined]


@admin.register(Notification)
class NotificationAdmin(ModelAdmin):
    list_display = (
        "created_at",
        "recipient_email",
        "tenant",
        "channel",
        "template",
        "status",
        "attempts",
        "short_error",
    )
    list_filter = ("status", "channel", "template", RecipientKindFilter)
    search_fields = ("recipient__email", "email_address", "recipient_name")
    search_help_text = "Search by the recipient's email address or a contact's name."
    list_select_related = ("recipient", "tenant")
    ordering = ("-created_at", "-id")
    actions = ["resend_selected"]
    fieldsets = (
        (
            None,
            {"fields": ("recipient", "recipient_name", "channel", "template", "tenant", "email_address")},
        ),
        ("Delivery", {"fields": ("status", "attempts", "last_error", "delivered_at", "read_at")}),
        ("Message", {"fields": ("subject", "body", "body_html", "context")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = (
        "recipient",
        "recipient_name",
        "channel",
        "template",
        "tenant",
        "email_address",
        "status",
        "attempts",
        "last_error",
        "delivered_at",
        "read_at",
        "subject",
        "body",
        "body_html",
        "context",
        "created_at",
        "updated_at",
    )

    @admin.display(description="Recipient", ordering=Coalesce("recipient__email", "email_address"))
    def recipient_email(self, obj: Notification) -> str:
        if obj.recipient is None:
            named = f"{obj.recipient_name} <{obj.email_address}>" if obj.recipient_name else obj.email_address
            return f"{named} (contact)"
        return obj.recipient.email

    @admin.display(description="Last error")
    def short_error(self, obj: Notification) -> str:
        return Truncator(obj.last_error).chars(80)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # What was sent is a record: it is re-sent through the service, never edited.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request)

    @admin.action(description="Re-send the selected failed notifications", permissions=["resend"])
    def resend_selected(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        actor = ActorRef.for_user(request.user)
        resent, refused = 0, 0
        for notification in queryset.order_by("pk"):
            try:
                resend(notification, actor=actor)
            except Conflict:
                refused += 1
            else:
                resent += 1
        if resent:
            messages.success(request, f"{resent} notification(s) queued for re-sending.")
        if refused:
            messages.warning(request, f"{refused} notification(s) skipped: only failed ones can be re-sent.")

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "mine/",
                self.admin_site.admin_view(self.my_notifications_view),
                name="notifications_notification_mine",
            ),
            path(
                "<path:object_id>/resend/",
                self.admin_site.admin_view(self.resend_view),
                name="notifications_notification_resend",
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Notification | None = None,
    ) -> HttpResponse:
        context["can_resend"] = (
            obj is not None
            and obj.status == NotificationStatus.FAILED
            and self.has_resend_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def resend_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Re-send one failed notification (the change page's button)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_resend_permission(request):
            raise PermissionDenied
        notification = self.get_object(request, unquote(object_id))
        if notification is None:
            raise Http404(f"No notification with id {object_id!r}.")
        try:
            resend(notification, actor=ActorRef.for_user(request.user))
        except Conflict as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"Notification {notification.pk} queued for re-sending.")
        return redirect(reverse("admin:notifications_notification_change", args=[notification.pk]))

    def my_notifications_view(self, request: HttpRequest) -> HttpResponse:
        """List the person's own in-app notifications; POST marks some or all of them read."""
        user = request.user
        assert isinstance(user, User)  # admin_view admits authenticated people only
        if request.method == "POST":
            chosen = MarkReadForm(user, request.POST)
            if "mark_all" in request.POST:
                messages.success(request, f"{mark_all_read(user)} notification(s) marked read.")
            elif chosen.is_valid():
                changed = mark_read(user, [notification.pk for notification in chosen.cleaned_data["ids"]])
                messages.success(request, f"{changed} notification(s) marked read.")
            else:
                messages.error(request, "Choose notifications from your list; nothing was marked read.")
            return HttpResponseRedirect(request.get_full_path())
        page = Paginator(inbox(user), MY_NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": "My notifications",
            "opts": self.opts,
            "page": page,
            "unread": unread_count(user),
        }
        return TemplateResponse(request, "admin/notifications/my_notifications.html", context)


register_screen(Group.SYSTEM, model=Notification, title="Notification log", icon="mark_email_read", order=50)
register_account_link("My notifications", "admin:notifications_notification_mine", order=20)
register_queue(
    "notifications.failed",
    title="Failed notifications",
    description="Emails the mail server refused: re-send them from the log.",
    group=Group.SYSTEM,
    permission=is_platform_operator,
    queryset=lambda request: Notification.objects.filter(status=NotificationStatus.FAILED),
    changelist="admin:notifications_notification_changelist",
    filters={"status__exact": NotificationStatus.FAILED},
    needs_tenant=False,
    order=30,
)
