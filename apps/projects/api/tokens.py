"""Signing in for a token, listing my tokens, revoking them.

POST auth/token/ is the one endpoint open to anyone; it goes through Django's
`authenticate()`, so the sign-in throttle (apps/projects/logins.py) applies
exactly as on the sign-in page. The rest act on the caller's own tokens.
"""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import tokens
from ..errors import Invalid
from ..models import ApiToken
from .schema import errors


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="What the token is for (shown in the token list).",
    )


class IssuedTokenSerializer(serializers.ModelSerializer):
    token = serializers.CharField(help_text="The secret: shown this once, never stored.")

    class Meta:
        model = ApiToken
        fields = ["token", "id", "name", "created_at", "expires_at"]


class TokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(
        help_text="Whether this request is signed in with this token."
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "expires_at", "last_used", "current"]

    def get_current(self, token) -> bool:
        return token.pk == getattr(self.context["request"].auth, "pk", None)


class ObtainTokenView(APIView):
    """A new token for a username and password. Each call issues another; each
    works for ACCORD_TOKEN_LIFETIME_DAYS. Too many failed attempts for the
    username or from the address answer 429 with Retry-After."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=SignInSerializer,
        responses={200: IssuedTokenSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request):
        form = SignInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if user is None:
            raise Invalid("Unable to sign in with the username and password given.")
        token, secret = tokens.issue(user, form.validated_data["name"])
        token.token = secret
        return Response(IssuedTokenSerializer(token).data)


@extend_schema_view(
    get=extend_schema(responses={200: TokenSerializer(many=True), **errors(401, 404)})
)
class TokenListView(generics.ListAPIView):
    """My tokens that still work, newest first, without their secrets.
    DELETE revokes every one of them (signing out everywhere)."""

    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return tokens.live_tokens(self.request.user)

    @extend_schema(operation_id="v1_auth_tokens_revoke_all", responses={204: None, **errors(401)})
    def delete(self, request):
        tokens.revoke_all(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CurrentTokenView(APIView):
    """Revoke the token this request is signed in with (signing out)."""

    @extend_schema(responses={204: None, **errors(400, 401)})
    def delete(self, request):
        tokens.revoke_current(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    """Revoke one of my tokens by its id."""

    @extend_schema(operation_id="v1_auth_tokens_revoke", responses={204: None, **errors(401, 404)})
    def delete(self, request, pk):
        tokens.revoke(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
