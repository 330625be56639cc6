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
    token = serializers.CharField(help_text="Send it as 'Authorization: Token <token>'. Shown only now.")
    expires_at = serializers.DateTimeField()
    device_id = serializers.IntegerField()
    user = LoginUserSerializer()
