"""Bodies of the login API."""

from rest_framework import serializers


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, trim_whitespace=True)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class LoginUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class LoginOutputSerializer(serializers.Serializer):
    """A token (``authenticated``; ``mfa_enrolment_required``: it may only set up a second factor),
    or a challenge to answer with a code at ``/auth/mfa/verify/`` (``mfa_required``)."""

    status = serializers.ChoiceField(choices=["authenticated", "mfa_required", "mfa_enrolment_required"])
    token = serializers.CharField(
        required=False, help_text="Send it as 'Authorization: Token <token>'. Shown only now."
    )
    expires_at = serializers.DateTimeField(required=False)
    device_id = serializers.IntegerField(required=False)
    user = LoginUserSerializer(required=False)
    mfa_enrol_by = serializers.DateTimeField(
        required=False, help_text="A tenant requires a second factor: set one up before this time."
    )
    challenge_id = serializers.CharField(required=False)
    challenge_expires_in = serializers.IntegerField(required=False, help_text="Seconds.")
